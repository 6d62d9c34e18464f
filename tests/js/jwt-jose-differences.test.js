// Where edgepg's JWT verdicts differ from jose's, on purpose, by name: edgepg is stricter. Each case is a token
// that jose accepts and edgepg refuses; if jose starts refusing one too, or edgepg starts accepting it, this fails
// and the README's list must change with it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import * as jose from 'jose'
import { verifyJwt } from 'edgepg'

const SECRET = 'a-differences-secret-of-at-least-32-bytes'
const NOW = 1_800_000_000
const b64 = (text) => Buffer.from(text).toString('base64url')

// A token from raw header and payload JSON text (so duplicate members and odd numbers survive), HS256-signed.
function token(headerJson, payloadJson, mangle = (s) => s) {
  const input = b64(headerJson) + '.' + mangle(b64(payloadJson))
  return input + '.' + createHmac('sha256', SECRET).update(input).digest('base64url')
}

const H = '{"alg":"HS256"}'
const CASES = [
  ['duplicate JSON members', token(H, `{"aud":"api","sub":"alice","sub":"mallory","exp":${NOW + 600}}`)],
  ['a lone UTF-16 surrogate in a string', token(H, `{"aud":"api","sub":"\\ud800","exp":${NOW + 600}}`)],
  ['exp: 1e400 (not a finite number)', token(H, '{"aud":"api","sub":"alice","exp":1e400}')],
  ['an iat in the future', token(H, `{"aud":"api","sub":"alice","iat":${NOW + 3600},"exp":${NOW + 7200}}`)],
  ['a non-string member of an aud array', token(H, `{"sub":"alice","aud":["api",7],"exp":${NOW + 600}}`)],
  ['a non-string kid', token('{"alg":"HS256","kid":7}', `{"aud":"api","sub":"alice","exp":${NOW + 600}}`)],
  ['non-canonical base64url (unused low bits set)', token(H, `{"aud":"api","sub":"alice","exp":${NOW + 600}}`, (s) => {
    // The last character carries bits the decoder drops; flip them (only possible when length % 4 is 2 or 3).
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const last = alphabet.indexOf(s.at(-1))
    return s.slice(0, -1) + alphabet[last | (s.length % 4 === 2 ? 15 : 3)]
  })],
]

test('edgepg is stricter than jose exactly where the README says', async () => {
  const key = new TextEncoder().encode(SECRET)
  const verdicts = []
  for (const [name, tok] of CASES) {
    const joseVerdict = await jose.jwtVerify(tok, key, { currentDate: new Date(NOW * 1000), audience: 'api' })
      .then(() => 'accepts', (e) => e.code)
    const ours = await verifyJwt(tok, { secret: SECRET, audience: 'api', currentDate: new Date(NOW * 1000) })
      .then(() => 'accepts', (e) => e.code)
    verdicts.push([name, joseVerdict, ours])
  }
  for (const [name, joseVerdict, ours] of verdicts) {
    assert.equal(joseVerdict, 'accepts', `${name}: jose no longer accepts it (${joseVerdict})`)
    assert.match(ours, /^ERR_JWT/, `${name}: edgepg ${ours}`)
  }
})
