import type { Transporter } from 'nodemailer';
import type { SendMailRequest } from '../../../../libs/domain/src/index.js';

export interface MailDelivery {
  messageId: string;
  acceptedAt: string;
}

export interface MailActivityDeps {
  transport: Pick<Transporter, 'sendMail'>;
  from: string;
}

/** Activity factory (temporalio/samples-typescript activities-dependency-injection). */
export function createMailActivities(deps: MailActivityDeps) {
  return {
    async sendMail(request: SendMailRequest): Promise<MailDelivery> {
      const info = await deps.transport.sendMail({
        from: deps.from,
        to: request.to,
        subject: request.subject,
        text: request.text,
        html: request.html,
        headers: { 'X-Trellis-Idempotency-Key': request.idempotencyKey },
      });
      return { messageId: String(info.messageId), acceptedAt: new Date().toISOString() };
    },
  };
}

export type MailActivities = ReturnType<typeof createMailActivities>;
