// Typed application configuration, validated at start so a bad setting fails fast with a clear message.
import { Type, getValidator, defaultAppConfiguration } from '@feathersjs/typebox'
import type { Static } from '@feathersjs/typebox'
import { dataValidator } from './validators'

export const configurationSchema = Type.Intersect([
  defaultAppConfiguration,
  Type.Object({
    host: Type.String(),
    port: Type.Number(),
    publicUrl: Type.String(),
    public: Type.String(),
    origins: Type.Array(Type.String()),
    database: Type.Object({
      url: Type.String(),
      dataDir: Type.String(),
      poolMax: Type.Number({ minimum: 1 }),
      // Bounds that turn an unreachable database into a prompt 503 `unavailable` instead of a hang.
      connectTimeoutMs: Type.Optional(Type.Number({ minimum: 100 })),
      acquireTimeoutMs: Type.Optional(Type.Number({ minimum: 100 })),
      statementTimeoutMs: Type.Optional(Type.Number({ minimum: 100 }))
    }),
    redisUrl: Type.String(),
    redisTimeouts: Type.Optional(
      Type.Object({
        connectTimeoutMs: Type.Number({ minimum: 100 }),
        commandTimeoutMs: Type.Number({ minimum: 100 })
      })
    ),
    // Each readiness check's bound (the checks run in parallel).
    health: Type.Optional(Type.Object({ checkTimeoutMs: Type.Number({ minimum: 50 }) })),
    // SIGTERM/SIGINT: how long in-flight calls, jobs and the outbox get before the process exits anyway.
    shutdown: Type.Optional(Type.Object({ timeoutMs: Type.Number({ minimum: 0 }) })),
    // GET /metrics (src/middleware/metrics.ts): bearer token on the public port, or an admin port of its own
    // (0 = none) on host; with neither, /metrics answers 404.
    metrics: Type.Optional(
      Type.Object({
        // Empty (no token) or long enough not to be guessed.
        token: Type.Union([Type.Literal(''), Type.String({ minLength: 16 })]),
        port: Type.Integer({ minimum: 0, maximum: 65535 }),
        host: Type.String()
      })
    ),
    logLevel: Type.String(),
    // New password hashes (src/auth/passwords.ts): argon2id memory in KiB per hash, passes, lanes. The floor is
    // argon2's own (8 KiB per lane); production keeps at least OWASP's 19 MiB with 2 passes.
    passwords: Type.Object({
      memoryCostKiB: Type.Integer({ minimum: 8, maximum: 4194304 }),
      timeCost: Type.Integer({ minimum: 1, maximum: 100 }),
      parallelism: Type.Integer({ minimum: 1, maximum: 16 }),
      // Hashes and verifications at once in this process (the rest queue); at most the cores to spare.
      concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 }))
    }),
    trustProxy: Type.Boolean(),
    limits: Type.Object({
      nameLength: Type.Number({ minimum: 1 }),
      bioLength: Type.Number({ minimum: 1 }),
      // Failed logins per email+IP and per IP within loginWindowSeconds (successes spend nothing).
      loginPerEmail: Type.Number({ minimum: 1 }),
      loginPerIp: Type.Number({ minimum: 1 }),
      loginWindowSeconds: Type.Number({ minimum: 1 }),
      // External REST calls per minute: per user, per API key, per IP when anonymous.
      restPerMinute: Type.Number({ minimum: 1 }),
      restPerMinuteApiKey: Type.Number({ minimum: 1 }),
      restPerMinuteAnonymous: Type.Number({ minimum: 1 }),
      // Signed /files URLs (local-disk uploads and downloads) per client IP per minute: they skip the services.
      filesPerMinute: Type.Number({ minimum: 1 }),
      registrationsPerIp: Type.Number({ minimum: 1 }),
      registrationWindowSeconds: Type.Number({ minimum: 1 }),
      // New Socket.IO connections per IP per minute; per connection: message sends per second plus a burst
      // refilled over socketSendBurstSeconds, and all calls per socketCallsWindowSeconds.
      socketConnectionsPerMinute: Type.Number({ minimum: 1 }),
      socketSendsPerSecond: Type.Number({ minimum: 1 }),
      socketSendBurst: Type.Number({ minimum: 1 }),
      socketSendBurstSeconds: Type.Number({ minimum: 1 }),
      socketCallsPerWindow: Type.Number({ minimum: 1 }),
      socketCallsWindowSeconds: Type.Number({ minimum: 1 }),
      messageLength: Type.Number({ minimum: 1, maximum: 100000 }),
      unsendWindowSeconds: Type.Number({ minimum: 0 })
    }),
    // A socket that has not authenticated within authTimeoutMs of connecting is closed.
    sockets: Type.Object({ authTimeoutMs: Type.Number({ minimum: 10 }) }),
    // Slow consumers (src/realtime/backpressure.ts): a connection with more queued for it than this is told to
    // resync and dropped; queues are checked every backpressureSweepMs; a dropped connection that never reads
    // again is cut after slowConsumerCloseMs.
    realtime: Type.Object({
      maxBufferedBytes: Type.Number({ minimum: 65536 }),
      maxBufferedPackets: Type.Number({ minimum: 10 }),
      backpressureSweepMs: Type.Number({ minimum: 10 }),
      slowConsumerCloseMs: Type.Number({ minimum: 0 })
    }),
    invites: Type.Object({ ttlDays: Type.Number({ minimum: 0 }) }),
    // Uploads (src/uploads): local disk under dir with app-signed URLs, or S3 (s3.*); URL lifetimes; uploads
    // still pending after pendingMaxAgeSeconds are removed every cleanupIntervalMs (0 = never); default
    // maximum sizes per category (orgs.upload_limits overrides them per content type).
    uploads: Type.Object({
      driver: Type.Union([Type.Literal('local'), Type.Literal('s3')]),
      dir: Type.String({ minLength: 1 }),
      secret: Type.String(),
      uploadUrlTtlSeconds: Type.Integer({ minimum: 1, maximum: 604800 }),
      downloadUrlTtlSeconds: Type.Integer({ minimum: 1, maximum: 604800 }),
      pendingMaxAgeSeconds: Type.Integer({ minimum: 1 }),
      cleanupIntervalMs: Type.Number({ minimum: 0 }),
      maxBytes: Type.Object({
        image: Type.Integer({ minimum: 1 }),
        video: Type.Integer({ minimum: 1 }),
        audio: Type.Integer({ minimum: 1 }),
        document: Type.Integer({ minimum: 1 })
      }),
      s3: Type.Object({
        endpoint: Type.String(),
        bucket: Type.String(),
        region: Type.String(),
        accessKeyId: Type.String(),
        secretAccessKey: Type.String(),
        forcePathStyle: Type.Boolean()
      })
    }),
    // Background jobs (Agenda): see src/jobs/runtime.ts for what concurrency, lockLimit and lockLifetimeMs mean.
    jobs: Type.Object({
      runInWeb: Type.Boolean(),
      mongoUrl: Type.String(),
      processEveryMs: Type.Number({ minimum: 10 }),
      concurrency: Type.Number({ minimum: 1 }),
      maxConcurrency: Type.Number({ minimum: 1 }),
      lockLimit: Type.Number({ minimum: 0 }),
      lockLifetimeMs: Type.Number({ minimum: 100 }),
      retry: Type.Object({
        delayMs: Type.Number({ minimum: 1 }),
        factor: Type.Number({ minimum: 1 }),
        maxRetries: Type.Number({ minimum: 0 }),
        maxDelayMs: Type.Number({ minimum: 1 })
      }),
      keepFinishedDays: Type.Number({ minimum: 0 }),
      drainTimeoutMs: Type.Number({ minimum: 0 })
    }),
    // Message retention runs every intervalMs (0 = never), deleting batchSize rows per statement.
    retention: Type.Object({
      intervalMs: Type.Number({ minimum: 0 }),
      batchSize: Type.Number({ minimum: 1, maximum: 100000 })
    }),
    // The outbox (src/outbox): drained right after each commit (immediate), and swept by the job runtime every
    // sweepMs for rows left behind; a claimed row is leased for leaseMs; failures back off from retryDelayMs
    // doubling up to maxRetryDelayMs, and a row is dead (kept, never retried) after maxAttempts.
    outbox: Type.Object({
      immediate: Type.Boolean(),
      sweepMs: Type.Number({ minimum: 100 }),
      leaseMs: Type.Number({ minimum: 100 }),
      batchSize: Type.Number({ minimum: 1, maximum: 10000 }),
      retryDelayMs: Type.Number({ minimum: 0 }),
      maxRetryDelayMs: Type.Number({ minimum: 0 }),
      maxAttempts: Type.Number({ minimum: 1 })
    }),
    // Webhooks (src/webhooks): each attempt times out after timeoutMs; failures back off from retryDelayMs
    // doubling (with jitter) up to maxRetryDelayMs for retryForMs, then the delivery is dead; a claimed delivery
    // is leased for leaseMs (> timeoutMs); every process polls for due ones every pollMs, concurrency at once.
    webhooks: Type.Object({
      timeoutMs: Type.Number({ minimum: 100 }),
      retryForMs: Type.Number({ minimum: 0 }),
      retryDelayMs: Type.Number({ minimum: 0 }),
      maxRetryDelayMs: Type.Number({ minimum: 0 }),
      leaseMs: Type.Number({ minimum: 200 }),
      pollMs: Type.Number({ minimum: 10 }),
      concurrency: Type.Number({ minimum: 1, maximum: 1000 }),
      disableAfterDeadDeliveries: Type.Number({ minimum: 1 }),
      secretOverlapMs: Type.Number({ minimum: 0 }),
      maxPerOrg: Type.Number({ minimum: 1 }),
      // Sent and dead deliveries are kept this many days (0 = forever), then pruned by a daily job.
      keepDays: Type.Number({ minimum: 0 }),
      allowPrivateTargets: Type.Boolean()
    }),
    // Analytics rollups are folded from new messages every foldEveryMs (0: only when a report is asked for).
    analytics: Type.Optional(Type.Object({ foldEveryMs: Type.Number({ minimum: 0 }) })),
    // V8's heap: how far the old space may grow past what the last full collection kept, in percent (0: V8's own
    // choice). See src/startup-gc.ts.
    runtime: Type.Optional(Type.Object({ heapGrowingPercent: Type.Integer({ minimum: 0, maximum: 1000 }) })),
    // Presence: a connection is alive for ttlMs after its last heartbeat, and a closed socket for offlineGraceMs
    // after it closed; expired ones are swept every sweepMs; transitions go out batched per org every batchMs.
    presence: Type.Optional(
      Type.Object({
        ttlMs: Type.Number({ minimum: 50 }),
        sweepMs: Type.Number({ minimum: 10 }),
        batchMs: Type.Optional(Type.Number({ minimum: 0 })),
        offlineGraceMs: Type.Optional(Type.Number({ minimum: 0 }))
      })
    ),
    // Typing: how long an indicator lasts, and at most one broadcast per user and room per minIntervalMs.
    typing: Type.Optional(
      Type.Object({ ttlMs: Type.Number({ minimum: 100 }), minIntervalMs: Type.Number({ minimum: 0 }) })
    ),
    // Message search (src/services/search): the longest query in characters, and page sizes.
    search: Type.Optional(
      Type.Object({
        maxQueryLength: Type.Integer({ minimum: 1, maximum: 1000 }),
        defaultLimit: Type.Integer({ minimum: 1, maximum: 100 }),
        maxLimit: Type.Integer({ minimum: 1, maximum: 100 }),
        // Up to this many rooms a search names my rooms by id; beyond, it joins room_members (bench/search.ts).
        manyRooms: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 }))
      })
    ),
    // Outgoing email: an SMTP URL (smtp[s]://user:pass@host:port); empty = the dev mailbox in the database.
    smtp: Type.Object({ url: Type.String(), from: Type.String({ minLength: 3 }) }),
    // Offline delivery of notifications (src/notifications): the email digest delay and web push settings.
    notifications: Type.Object({
      email: Type.Object({ delayMs: Type.Number({ minimum: 0 }), maxListed: Type.Number({ minimum: 1 }) }),
      push: Type.Object({
        delayMs: Type.Number({ minimum: 0 }),
        vapidPublicKey: Type.String(),
        vapidPrivateKey: Type.String(),
        vapidSubject: Type.String({ pattern: '^(mailto:|https://)' }),
        ttlSeconds: Type.Number({ minimum: 0 }),
        timeoutMs: Type.Number({ minimum: 100 }),
        allowPrivateEndpoints: Type.Boolean()
      })
    })
  })
])

export type ApplicationConfiguration = Static<typeof configurationSchema>

export const configurationValidator = getValidator(configurationSchema, dataValidator)
