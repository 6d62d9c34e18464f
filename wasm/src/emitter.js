// A minimal event emitter (no node:events in edge runtimes): on/once/off/emit, as node-postgres users expect.
export class Emitter {
  #listeners = new Map()

  on(event, fn) {
    const list = this.#listeners.get(event)
    if (list) list.push(fn)
    else this.#listeners.set(event, [fn])
    return this
  }

  once(event, fn) {
    const wrapper = (...args) => {
      this.off(event, wrapper)
      fn.apply(this, args)
    }
    return this.on(event, wrapper)
  }

  off(event, fn) {
    const list = this.#listeners.get(event)
    if (list) {
      const i = list.indexOf(fn)
      if (i >= 0) list.splice(i, 1)
    }
    return this
  }

  removeListener(event, fn) {
    return this.off(event, fn)
  }

  listenerCount(event) {
    return this.#listeners.get(event)?.length ?? 0
  }

  emit(event, ...args) {
    const list = this.#listeners.get(event)
    if (!list || list.length === 0) return false
    for (const fn of [...list]) fn.apply(this, args)
    return true
  }
}
