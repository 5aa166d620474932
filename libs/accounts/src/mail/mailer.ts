import nodemailer from 'nodemailer';

/** One e-mail: plain text, to one address. */
export interface TMail {
  to: string;
  subject: string;
  text: string;
  /** A stable Message-ID (`<id@host>`), so a mail sent twice is recognisable as one (the outbox's deliveries). */
  messageId?: string;
}

/** Sends e-mail (an SMTP server through nodemailer); absent when no SMTP server is configured. */
export interface TMailer {
  send: (mail: TMail) => Promise<void>;
  close: () => void;
}

/**
 * A mailer for an SMTP URL (`smtp://user:pass@host:587`, `smtps://…` for TLS from the start; nodemailer's URL options,
 * e.g. `?tls.rejectUnauthorized=false`, apply). `from` is the sender every mail has.
 */
export function createMailer(smtpUrl: string, from: string): TMailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    send: async (mail) => {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, ...(mail.messageId ? { messageId: mail.messageId } : {}) });
    },
    close: () => transport.close(),
  };
}
