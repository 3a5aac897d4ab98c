// Joining and roles in Chromium: an invite link opened by a new person, an ADMIN changing a member's role.
import assert from 'node:assert/strict'
import { addMember, api, bearer, createOrg, uniq } from '../helpers/fixtures'
import type { Account } from '../helpers/fixtures'
import { until } from './helpers'
import { webSuite } from './suite'

describe('web client: invite links and member roles (Chromium)', function () {
  this.timeout(60000)
  const web = webSuite()
  let alice: Account
  let orgName: string

  before(async function () {
    this.timeout(120000)
    orgName = uniq('Invite Org ')
    ;({ admin: alice } = await createOrg(web.server.url, orgName))
  })

  it('a new person opening an invite link registers straight into the org, its rooms in view', async () => {
    const username = uniq('newbie')
    const email = `${username}@example.com`
    const invite = await api(
      web.server.url,
      'POST',
      '/invites',
      { email, role: 'MEMBER' },
      bearer(alice.accessToken)
    )
    assert.equal(invite.status, 201, JSON.stringify(invite.body))
    const page = await web.newPage()
    // The link the client's invite panel hands out.
    await page.goto(`${web.server.url}/?invite=${encodeURIComponent(invite.body.token)}`)
    await page.getByText('You have an invitation').waitFor()
    // The invite opens the Register tab by itself.
    await page.getByRole('form', { name: 'Register' }).waitFor()
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Username').fill(username)
    await page.getByLabel('Display name').fill('New Person')
    await page.getByLabel('Password').fill('a long enough password')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.getByRole('navigation', { name: 'Rooms' }).waitFor()
    await page.getByRole('heading', { name: orgName }).waitFor()
    // The token leaves the address bar once used.
    await until('the invite gone from the URL', () => !page.url().includes('invite='))
    const me = await api(web.server.url, 'POST', '/authentication', {
      strategy: 'local',
      email,
      password: 'a long enough password'
    })
    assert.equal(me.status, 201, JSON.stringify(me.body))
    assert.equal(me.body.user.org_id, alice.org_id)
    assert.equal(me.body.user.role, 'MEMBER')
    // A member of the org now: a room the ADMIN opens with them shows up on their page.
    const room = await api(
      web.server.url,
      'POST',
      '/rooms',
      { name: 'lobby', member_ids: [me.body.user.id] },
      bearer(alice.accessToken)
    )
    assert.equal(room.status, 201, JSON.stringify(room.body))
    await page.getByRole('navigation', { name: 'Rooms' }).getByRole('button', { name: /lobby/ }).waitFor()
  })

  it('an ADMIN changes a member to MANAGER on the admin page; the API then says MANAGER', async () => {
    const bob = await addMember(web.server.url, alice)
    const page = await web.pageFor(alice)
    await page.getByRole('button', { name: 'Admin' }).click()
    await page.getByRole('dialog', { name: 'Administration' }).waitFor()
    await page.getByRole('tab', { name: 'Members' }).click()
    const select = page.getByLabel(`Role of ${bob.username}`)
    assert.equal(await select.inputValue(), 'MEMBER')
    await select.selectOption('MANAGER')
    const role = () =>
      api(web.server.url, 'GET', `/users/${bob.id}`, undefined, bearer(alice.accessToken)).then(
        (r) => r.body.role
      )
    await until('the role stored', async () => (await role()) === 'MANAGER')
    // And Bob's own next login carries it.
    const login = await api(web.server.url, 'POST', '/authentication', {
      strategy: 'local',
      email: bob.email,
      password: bob.password
    })
    assert.equal(login.body.user.role, 'MANAGER')
    assert.equal(await select.inputValue(), 'MANAGER')
    // The ADMIN cannot demote themself here (the select is disabled for their own row).
    assert.equal(await page.getByLabel(`Role of ${alice.username}`).isDisabled(), true)
  })
})
