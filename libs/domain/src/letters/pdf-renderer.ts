/** Prints an HTML document to PDF; the app binds it (Chromium in production). */
export interface PdfRenderer {
  /** Throws LetterError PDF_RENDERER_UNAVAILABLE when no renderer can run here. */
  render(html: string): Promise<Buffer>;
}

export const PDF_RENDERER = Symbol('PDF_RENDERER');
