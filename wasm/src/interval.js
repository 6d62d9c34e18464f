// An interval value with node-postgres's shape (postgres-interval): only non-zero parts are set.
const PARTS = ['years', 'months', 'days', 'hours', 'minutes', 'seconds', 'milliseconds']

export class PostgresInterval {
  toPostgres() {
    const filtered = ['seconds', 'minutes', 'hours', 'days', 'months', 'years'].filter((p) => Object.hasOwn(this, p))
    if (this.milliseconds && !filtered.includes('seconds')) filtered.push('seconds')
    if (filtered.length === 0) return '0'
    return filtered
      .map((p) => {
        let value = this[p] || 0
        if (p === 'seconds' && this.milliseconds) value = (value + this.milliseconds / 1000).toFixed(6).replace(/\.?0+$/, '')
        return value + ' ' + p
      })
      .join(' ')
  }

  toISO() {
    const part = (p, unit) => {
      let value = this[p] || 0
      if (p === 'seconds' && this.milliseconds) value = (value + this.milliseconds / 1000).toFixed(6).replace(/0+$/, '')
      return value + unit
    }
    return 'P' + part('years', 'Y') + part('months', 'M') + part('days', 'D') + 'T' + part('hours', 'H') + part('minutes', 'M') + part('seconds', 'S')
  }

  toISOString() {
    return this.toISO()
  }
}

// From the seven numbers the core wrote.
export function makeInterval(numbers, at) {
  const v = new PostgresInterval()
  for (let k = 0; k < 7; k++) {
    const n = numbers[at + k]
    if (n !== 0) v[PARTS[k]] = n
  }
  return v
}
