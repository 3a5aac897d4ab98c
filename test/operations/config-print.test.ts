// Start-up prints the configuration it uses as one log object, secrets masked; a bad configuration stops the
// process before it touches the database, naming every problem at once.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import path from 'node:path'
import { startProcess } from '../helpers/processes'

const root = path.resolve(__dirname, '..', '..')
const SECRETS = {
  AUTH_SECRET: 'auth-secret-5f1e2d3c4b5a',
  OIDC_CLIENT_SECRET: 'oidc-secret-9a8b7c6d',
  GOOGLE_CLIENT_SECRET: 'google-secret-1a2b3c4d',
  dbPassword: 'db-password-7e6f5a4b',
  smtpPassword: 'smtp-password-2c3d4e5f'
}

const jsonLines = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))

describe('operations: configuration at start-up', function () {
  this.timeout(150000)

  it('prints one configuration object with every secret masked', async () => {
    // Trust authentication on the test PostgreSQL: the password in the URL is sent but not needed.
    const dbUrl = new URL(process.env.DATABASE_URL!)
    dbUrl.password = SECRETS.dbPassword
    const server = await startProcess({
      env: {
        LOG_LEVEL: 'info',
        DATABASE_URL: dbUrl.toString(),
        AUTH_SECRET: SECRETS.AUTH_SECRET,
        OIDC_CLIENT_SECRET: SECRETS.OIDC_CLIENT_SECRET,
        GOOGLE_CLIENT_SECRET: SECRETS.GOOGLE_CLIENT_SECRET,
        SMTP_URL: `smtp://mailer:${SECRETS.smtpPassword}@127.0.0.1:2525`
      },
      readyTimeoutMs: 120000
    })
    try {
      const printed = jsonLines(server.output()).filter((entry) => entry.msg === 'configuration')
      assert.equal(printed.length, 1, server.output())
      const { config } = printed[0]
      assert.equal(config.port, server.port)
      assert.equal(config.host, '127.0.0.1')
      assert.equal(config.authentication.secret, '***')
      assert.equal(config.authentication.oauth.oidc.secret, '***')
      assert.equal(config.authentication.oauth.google.secret, '***')
      const dbPrinted = new URL(config.database.url)
      assert.equal(dbPrinted.password, '***')
      assert.equal(dbPrinted.pathname, dbUrl.pathname)
      assert.equal(new URL(config.smtp.url).password, '***')
      assert.equal(config.redisUrl, 'redis://127.0.0.1:6379/3')
      // Unset secrets stay visibly unset.
      assert.equal(config.notifications.push.vapidPrivateKey, '')
      assert.equal(config.paginate.default, 25)
      for (const [name, secret] of Object.entries(SECRETS))
        assert.ok(!server.output().includes(secret), `${name} appears in the output`)
    } finally {
      await server.stop()
    }
  })

  it('a bad configuration exits 1 before start, listing every problem', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        AUTH_SECRET: '',
        DATABASE_URL: `mysql://root:${SECRETS.dbPassword}@127.0.0.1/chat`,
        DATABASE_POOL_MAX: '0',
        REDIS_URL: 'http://127.0.0.1:6379'
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    assert.equal(code, 1, output)
    const fatal = jsonLines(output).find((entry) => entry.msg === 'failed to start')
    assert.ok(fatal, output)
    const message: string = fatal.err.message
    assert.match(message, /^invalid configuration:/)
    assert.match(message, /poolMax must be >= 1/)
    assert.match(message, /AUTH_SECRET/)
    assert.match(message, /DATABASE_URL must be a postgres: or postgresql: URL/)
    assert.match(message, /REDIS_URL must be a redis: or rediss: URL/)
    assert.ok(!output.includes(SECRETS.dbPassword), 'the database password appears in the output')
    assert.ok(!jsonLines(output).some((entry) => entry.msg === 'configuration'))
  })
})
