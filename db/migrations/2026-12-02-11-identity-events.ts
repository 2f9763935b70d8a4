// Profiles of an identity provider's users, the sign-ins in progress, and the durable events told to the team's application.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // A profile created by an OpenID Connect sign-in belongs to (issuer, subject), and keeps the e-mail the provider gives.
  await db.schema.alterTable('profiles').addColumn('issuer', 'text').execute()
  await db.schema.alterTable('profiles').addColumn('subject', 'text').execute()
  await db.schema.alterTable('profiles').addColumn('email', 'text').execute()
  await db.schema.createIndex('profiles_subject_idx').on('profiles').columns(['issuer', 'subject']).unique().execute()
  // The lookup API and the Auth0 write-back find a profile by subject alone (a deployment has one provider).
  await db.schema.createIndex('profiles_subject_only_idx').on('profiles').column('subject').execute()

  // One row per sign-in started at /auth/login: what the callback must check (state, nonce, PKCE verifier), claimed
  // once by the callback; rows go when they expire.
  await db.schema
    .createTable('oidc_logins')
    .addColumn('state', 'text', (c) => c.primaryKey())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('return_to', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute()
  await db.schema.createIndex('oidc_logins_expires_idx').on('oidc_logins').column('expires_at').execute()

  // Events and Auth0 write-backs, written in the change's transaction and delivered at least once, with leases
  // like the outbox's. `id` is the webhook-id every attempt carries.
  await db.schema
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('deadline_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text')
    .addColumn('claim_token', 'text')
    .addColumn('last_error', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('events_work_idx').on('events').columns(['status', 'next_attempt_at']).execute()
  await db.schema.createIndex('events_created_idx').on('events').columns(['created_at']).execute()

  // A notification is finished (its event told) once, when no row of it is left to send.
  await db.schema.alterTable('notifications').addColumn('finished_at', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notifications').dropColumn('finished_at').execute()
  await db.schema.dropTable('events').execute()
  await db.schema.dropTable('oidc_logins').execute()
  await db.schema.dropIndex('profiles_subject_only_idx').execute()
  await db.schema.dropIndex('profiles_subject_idx').execute()
  await db.schema.alterTable('profiles').dropColumn('email').execute()
  await db.schema.alterTable('profiles').dropColumn('subject').execute()
  await db.schema.alterTable('profiles').dropColumn('issuer').execute()
}
