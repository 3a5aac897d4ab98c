// Access tokens expire (15 minutes in production): the page renews its token before expiry and keeps working.
import assert from 'node:assert/strict'
import configuration from '@feathersjs/configuration'
import { api, bearer, createOrg } from '../helpers/fixtures'
import { logIn, until } from './helpers'
import { webSuite } from './suite'

describe('web client session renewal (Chromium)', function () {
  this.timeout(60000)
  const web = webSuite(() => {
    // 62-second tokens: the page renews a minute before expiry, here after its 5-second minimum.
    const authentication = (configuration() as any)().authentication
    return {
      authentication: { ...authentication, jwtOptions: { ...authentication.jwtOptions, expiresIn: '62s' } }
    }
  })

  it('renews the access token (rotating the refresh token) and the socket keeps working', async () => {
    const { admin } = await createOrg(web.server.url)
    await api(web.server.url, 'POST', '/rooms', { name: 'renewal' }, bearer(admin.accessToken))
    const context = await web.browser.newContext()
    const page = await context.newPage()
    try {
      await logIn(page, web.server.url, admin.email, admin.password)
      const tokens = () =>
        page.evaluate(() => [localStorage.getItem('feathers-jwt'), localStorage.getItem('chatboard-refresh')])
      const [access, refresh] = await tokens()
      const [newAccess, newRefresh] = await until(
        'a renewed token',
        async () => {
          const now = await tokens()
          return now[0] !== access ? now : null
        },
        20000
      )
      assert.ok(newAccess && newRefresh && newRefresh !== refresh)
      await page
        .getByRole('navigation', { name: 'Rooms' })
        .getByRole('button', { name: /renewal/ })
        .click()
      const box = page.getByLabel('Message', { exact: true })
      await box.fill('after renewal')
      await box.press('Enter')
      await page
        .getByRole('log')
        .getByRole('article', { name: /Message 1/ })
        .waitFor()
    } finally {
      await context.close()
    }
  })
})
