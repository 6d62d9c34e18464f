// The runtime docs show the files the edge proofs run, verbatim: every code block marked
// `<!-- file: path -->` in README.md equals that file.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO } from '../support/pack.js'

const MARKED = /<!-- file: (\S+) -->\n```[a-z]*\n([\s\S]*?)\n```/g

test('docs: every marked snippet is the example file the tests run', () => {
  let checked = 0
  for (const doc of ['README.md']) {
    const path = join(REPO, doc)
    if (!existsSync(path)) continue
    for (const [, file, body] of readFileSync(path, 'utf8').matchAll(MARKED)) {
      assert.ok(existsSync(join(REPO, file)), `${doc} shows ${file}, which does not exist`)
      assert.equal(body, readFileSync(join(REPO, file), 'utf8').replace(/\n+$/, ''), `${doc}: the snippet of ${file} differs from the file`)
      checked++
    }
  }
  assert.ok(checked >= 9, `expected the runtime snippets to be marked, found ${checked}`)
})
