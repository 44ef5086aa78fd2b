/** A person who works in the CRM: the responsible user of contacts. */
export interface User {
  id: string;
  name: string;
  email: string;
  createdAt: Date;
}

export interface NewUser {
  name: string;
  email: string;
}
