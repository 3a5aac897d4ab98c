// Outgoing email: SMTP through nodemailer when smtp.url (SMTP_URL) is set, else the dev mailbox, a table that
// each user reads through the dev-mailbox service (the embedded default needs no mail server).
import nodemailer from 'nodemailer'
import type { Transporter } from 'nodemailer'
import type { Application } from '../declarations'

export interface Mail {
  userId: string
  to: string
  subject: string
  text: string
  html: string
}

export interface Mailer {
  kind: 'smtp' | 'dev-mailbox'
  send(mail: Mail): Promise<void>
}

export const smtpConfigured = (app: Application) => !!app.get('smtp')?.url

class SmtpMailer implements Mailer {
  kind = 'smtp' as const
  private transport: Transporter

  constructor(
    url: string,
    private from: string
  ) {
    // One connection per digest: digests are few (one per user per delay at most), a pool would idle.
    this.transport = nodemailer.createTransport(url)
  }

  async send(mail: Mail) {
    await this.transport.sendMail({
      from: this.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html
    })
  }
}

class DevMailbox implements Mailer {
  kind = 'dev-mailbox' as const

  constructor(
    private app: Application,
    private from: string
  ) {}

  async send(mail: Mail) {
    await this.app.get('postgresqlClient')('dev_mailbox').insert({
      user_id: mail.userId,
      to_address: mail.to,
      from_address: this.from,
      subject: mail.subject,
      text: mail.text,
      html: mail.html
    })
  }
}

const mailers = new WeakMap<Application, Mailer>()

export const mailerOf = (app: Application): Mailer => {
  let mailer = mailers.get(app)
  if (!mailer) {
    const { url, from } = app.get('smtp')
    mailer = url ? new SmtpMailer(url, from) : new DevMailbox(app, from)
    mailers.set(app, mailer)
  }
  return mailer
}
