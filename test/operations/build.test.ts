// The production build as the Docker image makes it (no Docker engine here): `npm run build` in a clean copy
// of the project, the sources removed, then `node lib/index.js` against a fresh database applies the compiled
// migrations, becomes ready, registers a user and stops 0 on SIGTERM. Also lints the Dockerfile and checks
// what the image and docker-compose.yml promise.
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import { ownDatabase } from '../helpers/own-database'
import { freePort } from '../helpers/free-port'

const root = path.resolve(__dirname, '..', '..')

const run = (command: string, args: string[], cwd: string, timeout = 240000) =>
  new Promise<{ code: number; output: string }>((resolve) => {
    execFile(command, args, { cwd, timeout, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as any).code ?? 1) : 0, output: stdout + stderr })
    )
  })

describe('operations: production build and image', function () {
  this.timeout(300000)

  it('npm run build, then node lib/index.js on a fresh database: ready, serves, stops cleanly', async () => {
    // What the image's build stage gets (see .dockerignore), with the installed node_modules linked in.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatboard-build-'))
    try {
      for (const entry of [
        'package.json',
        'tsconfig.json',
        'tsconfig.build.json',
        'tsconfig.migrations.json'
      ])
        fs.copyFileSync(path.join(root, entry), path.join(dir, entry))
      for (const entry of ['src', 'migrations', 'config', 'public'])
        fs.cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true })
      fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir')

      const build = await run('npm', ['run', 'build'], dir)
      assert.equal(build.code, 0, build.output)
      assert.ok(fs.existsSync(path.join(dir, 'lib', 'index.js')), 'lib/index.js (package.json main)')
      assert.ok(fs.existsSync(path.join(dir, 'lib', 'worker.js')), 'lib/worker.js')
      const sources = fs.readdirSync(path.join(dir, 'migrations')).filter((f) => f.endsWith('.ts'))
      const compiled = fs.readdirSync(path.join(dir, 'lib', 'migrations')).filter((f) => f.endsWith('.js'))
      assert.deepEqual(
        compiled,
        sources.map((f) => f.replace(/\.ts$/, '.js'))
      )
      // The runtime stage has no sources: nothing may reach back into them.
      fs.rmSync(path.join(dir, 'src'), { recursive: true })
      fs.rmSync(path.join(dir, 'migrations'), { recursive: true })

      const port = await freePort()
      const url = `http://127.0.0.1:${port}`
      const child = spawn(process.execPath, ['lib/index.js'], {
        cwd: dir,
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'production',
          AUTH_SECRET: 'build-test-secret-0123456789',
          HOST: '127.0.0.1',
          PORT: String(port),
          DATABASE_URL: (await ownDatabase('build')).url,
          REDIS_URL: 'redis://127.0.0.1:6379/3',
          LOG_LEVEL: 'info'
        },
        stdio: ['ignore', 'pipe', 'pipe']
      })
      let output = ''
      child.stdout.on('data', (chunk) => (output += chunk))
      child.stderr.on('data', (chunk) => (output += chunk))
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
      try {
        const deadline = Date.now() + 120000
        for (;;) {
          assert.equal(child.exitCode, null, `node lib/index.js exited:\n${output}`)
          const ready = await fetch(`${url}/health/ready`).catch(() => null)
          if (ready?.status === 200) break
          assert.ok(Date.now() < deadline, `not ready in time:\n${output}`)
          await new Promise((resolve) => setTimeout(resolve, 200))
        }
        const res = await fetch(`${url}/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            email: 'build@example.com',
            username: 'builder',
            name: 'Builder',
            password: 'correct horse 1'
          })
        })
        assert.equal(res.status, 201, await res.text())
      } finally {
        child.kill('SIGTERM')
      }
      assert.equal(await exited, 0, output)
      assert.match(output, /"msg":"shut down"/)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('the Dockerfile passes dockerfilelint and builds the image the README describes', async () => {
    const lint = await run(
      path.join(root, 'node_modules', '.bin', 'dockerfilelint'),
      ['Dockerfile'],
      root,
      60000
    )
    assert.equal(lint.code, 0, lint.output)
    const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8')
    assert.equal((dockerfile.match(/^FROM /gm) ?? []).length, 2, 'a build stage and a runtime stage')
    assert.match(dockerfile, /RUN npm ci\b/)
    assert.match(dockerfile, /npm run build/)
    assert.match(dockerfile, /npm run build:client/, 'the image serves the built web client')
    assert.match(dockerfile, /npm prune --omit=dev/)
    assert.match(dockerfile, /^USER node$/m)
    assert.match(dockerfile, /^HEALTHCHECK .*\n.*\/health\/ready/m)
    assert.match(dockerfile, /^EXPOSE 3030$/m)
    assert.match(dockerfile, /NODE_ENV=production/)
    assert.match(dockerfile, /^CMD \["node", "lib\/index.js"\]$/m)
    const ignored = fs.readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n')
    const needs = [
      'src',
      'migrations',
      'config',
      'public',
      'client',
      'vite.config.ts',
      'package.json',
      'tsconfig.build.json'
    ]
    for (const needed of needs) assert.ok(!ignored.includes(needed), `.dockerignore leaves out ${needed}`)
  })

  it('docker-compose.yml runs two app replicas with PostgreSQL and Redis', () => {
    const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'))
    const { app, postgres, redis } = compose.services
    assert.equal(app.deploy.replicas, 2)
    assert.match(app.environment.DATABASE_URL, /^postgres:\/\/.*@postgres:5432\//)
    assert.match(app.environment.REDIS_URL, /^redis:\/\/redis:6379/)
    assert.equal(app.environment.NODE_ENV, 'production')
    assert.ok(app.environment.AUTH_SECRET)
    assert.deepEqual(Object.keys(app.depends_on).sort(), ['postgres', 'redis'])
    assert.ok(postgres.healthcheck && redis.healthcheck)
    assert.equal(compose.services.nginx ?? compose.services.lb, undefined, 'no load balancer')
  })
})
