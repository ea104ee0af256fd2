// One application writing through node-postgres with named (server-side prepared) statements.
//
// Usage: node writer.js URL SPEC_JSON LOG STOP   (as writer.py)
'use strict'
const fs = require('fs')
const { Client } = require('pg')

const [url, specJson, logPath, stopPath] = process.argv.slice(2)
const spec = JSON.parse(specJson)

async function main () {
  const client = new Client({ connectionString: url })
  await client.connect()
  let ops = 0
  let errors = 0
  let firstError = null
  let shape = null
  let shapeChanged = false
  const mine = []
  for (let i = 1; !fs.existsSync(stopPath); i++) {
    try {
      if (i % 3 === 1 || mine.length === 0) {
        const r = await client.query({ name: 'ins', text: spec.insert, values: [`js-${process.pid}-${i}`, String(1000 + i)] })
        mine.push(r.rows[0].id)
        fs.appendFileSync(logPath, `${r.rows[0].id}\t${1000 + i}\n`)
      } else {
        const target = mine[i % mine.length]
        await client.query({ name: 'upd', text: spec.update, values: [target, String(2000 + i)] })
        fs.appendFileSync(logPath, `${target}\t${2000 + i}\n`)
      }
      const r = await client.query({ name: 'sel', text: spec.select, values: [mine[mine.length - 1]] })
      const names = r.fields.map(f => f.name)
      if (shape === null) {
        shape = names
      } else if (names.join(',') !== shape.join(',')) {
        shapeChanged = true
      }
      ops++
    } catch (e) {
      errors++
      if (firstError === null) firstError = `${e.code || ''} ${e.message}`.trim()
    }
  }
  await client.end()
  console.log(JSON.stringify({ operations: ops, errors, first_error: firstError, shape, shape_changed: shapeChanged }))
}

main().catch(e => { console.error(e); process.exit(1) })
