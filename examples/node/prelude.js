// The JavaScript half of the runtime: EventEmitter, the tick queue, console, process and the
// built-in modules, on the natives of natives.go (__native). Nothing here blocks: every
// operation goes through the libuv loop.
'use strict';
(function (global, native) {
  const ticks = [];
  global.__ticks = ticks;
  function drainTicks() {
    while (ticks.length > 0) {
      const t = ticks.shift();
      t.fn.apply(undefined, t.args);
    }
  }
  global.__drainTicks = drainTicks;
  global.__macrotask = function (fn, ...args) {
    fn.apply(undefined, args);
    drainTicks();
  };

  class EventEmitter {
    constructor() { this._events = {}; }
    on(name, fn) {
      if (typeof this._onNewListener === 'function') this._onNewListener(name);
      (this._events[name] = this._events[name] || []).push(fn);
      return this;
    }
    addListener(name, fn) { return this.on(name, fn); }
    once(name, fn) {
      const self = this;
      function wrapper(...args) { self.removeListener(name, wrapper); fn.apply(self, args); }
      wrapper.listener = fn;
      return this.on(name, wrapper);
    }
    removeListener(name, fn) {
      const list = this._events[name];
      if (!list) return this;
      const i = list.findIndex((l) => l === fn || l.listener === fn);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) {
        delete this._events[name];
        if (typeof this._onNoListener === 'function') this._onNoListener(name);
      }
      return this;
    }
    off(name, fn) { return this.removeListener(name, fn); }
    removeAllListeners(name) {
      for (const n of name === undefined ? Object.keys(this._events) : [name]) {
        for (const fn of (this._events[n] || []).slice()) this.removeListener(n, fn);
      }
      return this;
    }
    listenerCount(name) { return (this._events[name] || []).length; }
    emit(name, ...args) {
      const list = this._events[name];
      if (!list || list.length === 0) {
        if (name === 'error') throw args[0];
        return false;
      }
      for (const fn of list.slice()) fn.apply(this, args);
      return true;
    }
  }

  function format(v) {
    if (typeof v === 'string') return v;
    if (v instanceof Error) return v.stack || String(v);
    if (v === null || typeof v !== 'object') return String(v);
    try { return JSON.stringify(v); } catch (e) { return String(v); }
  }
  global.console = {
    log: (...args) => native.print(1, args.map(format).join(' ') + '\n'),
    info: (...args) => native.print(1, args.map(format).join(' ') + '\n'),
    error: (...args) => native.print(2, args.map(format).join(' ') + '\n'),
    warn: (...args) => native.print(2, args.map(format).join(' ') + '\n'),
  };

  // Buffer: a Uint8Array whose toString decodes UTF-8, enough for data events and readFile.
  function toBuffer(bytes) {
    const b = new Uint8Array(bytes);
    Object.defineProperty(b, 'toString', { value: (enc) => native.utf8(b.buffer) });
    return b;
  }
  function decode(bytes, encoding) { return encoding ? native.utf8(bytes) : toBuffer(bytes); }

  // Node's error objects: code, errno, syscall, path, and the message Node prints.
  function errnoError(e, syscall, path) {
    if (!e) return null;
    const msg = e.code + ': ' + e.message + ', ' + syscall + (path !== undefined ? " '" + path + "'" : '');
    const err = new Error(msg);
    err.errno = e.errno;
    err.code = e.code;
    err.syscall = syscall;
    if (path !== undefined) err.path = path;
    return err;
  }

  const process = new EventEmitter();
  process.pid = native.pid();
  process.platform = 'linux';
  process.env = native.env();
  process.exitCode = undefined;
  process.argv = [];
  process.nextTick = (fn, ...args) => { ticks.push({ fn, args }); };
  process.exit = (code) => native.exit(code === undefined ? (process.exitCode || 0) : code);
  process.kill = (pid, sig) => { native.kill(pid, sig === undefined ? 'SIGTERM' : sig); return true; };
  process.hrtime = { bigint: () => native.hrtime() };
  const watched = {};
  process._onNewListener = (name) => {
    if (/^SIG[A-Z0-9]+$/.test(name) && !watched[name]) {
      watched[name] = native.watchSignal(name, () => process.emit(name, name));
    }
  };
  process._onNoListener = (name) => {
    if (watched[name]) { native.closeHandle(watched[name]); delete watched[name]; }
  };
  global.process = process;
  global.__emit = (name, ...args) => process.emit(name, ...args);

  global.setTimeout = (fn, ms, ...args) => native.timer(fn, ms, false, args);
  global.setInterval = (fn, ms, ...args) => native.timer(fn, ms, true, args);
  global.clearTimeout = (t) => { if (t) native.clearTimer(t); };
  global.clearInterval = global.clearTimeout;
  global.setImmediate = (fn, ...args) => native.immediate(fn, args);
  global.clearImmediate = (i) => { if (i) i.cleared = true; };
  global.queueMicrotask = (fn) => { Promise.resolve().then(fn); };

  // net: sockets and servers over libuv TCP handles.
  class Socket extends EventEmitter {
    constructor(handle) {
      super();
      this._h = handle;
      this._encoding = undefined;
      this._ended = false;
      this._closed = false;
      this._eof = false;
      this._pendingClose = 0;
      if (handle) this._startReading();
    }
    _startReading() {
      native.readStart(this._h, (err, bytes) => {
        if (err) { this.destroy(errnoError(err, 'read')); return; }
        if (bytes === null) {
          this._eof = true;
          this.emit('end');
          if (!this._ended) this.end(); // allowHalfOpen: false
          else this._maybeClose();
          return;
        }
        this.emit('data', decode(bytes, this._encoding));
      });
    }
    setEncoding(enc) { this._encoding = enc || 'utf8'; return this; }
    write(data, enc, cb) {
      if (typeof enc === 'function') cb = enc;
      this._pendingClose++;
      native.write(this._h, String(data), (err) => {
        this._pendingClose--;
        if (cb) cb(err ? errnoError(err, 'write') : null);
        if (err) this.destroy(errnoError(err, 'write'));
        this._maybeClose();
      });
      return true;
    }
    end(data, cb) {
      if (typeof data === 'function') { cb = data; data = undefined; }
      if (data !== undefined) this.write(data);
      if (this._ended) return this;
      this._ended = true;
      this._pendingClose++;
      native.shutdown(this._h, () => {
        this._pendingClose--;
        this.emit('finish');
        if (cb) cb();
        this._maybeClose();
      });
      return this;
    }
    _maybeClose() {
      if (this._eof && this._ended && this._pendingClose === 0) this.destroy();
    }
    destroy(err) {
      if (this._closed) return this;
      this._closed = true;
      native.closeHandle(this._h, () => {
        if (err) this.emit('error', err);
        this.emit('close', !!err);
      });
      return this;
    }
    address() { return native.sockName(this._h); }
    get remoteAddress() { return native.peerName(this._h).address; }
    get remotePort() { return native.peerName(this._h).port; }
  }
  class Server extends EventEmitter {
    constructor(listener) {
      super();
      if (listener) this.on('connection', listener);
      this._h = null;
    }
    listen(port, host, cb) {
      if (typeof host === 'function') { cb = host; host = undefined; }
      if (cb) this.once('listening', cb);
      const r = native.listen(host || '127.0.0.1', port || 0, (h, e) => {
        if (e) { this.emit('error', errnoError(e, 'accept')); return; }
        this.emit('connection', new Socket(h));
      });
      if (r.error) {
        process.nextTick(() => this.emit('error', errnoError(r.error, 'listen')));
      } else {
        this._h = r.handle;
        process.nextTick(() => this.emit('listening'));
      }
      return this;
    }
    address() { return native.sockName(this._h); }
    close(cb) {
      native.closeHandle(this._h, () => { if (cb) cb(); this.emit('close'); });
      return this;
    }
  }

  function connect(port, host, cb) {
    if (typeof port === 'object') { cb = host; host = port.host; port = port.port; }
    if (typeof host === 'function') { cb = host; host = undefined; }
    const sock = new Socket(null);
    if (cb) sock.once('connect', cb);
    native.connect(host || '127.0.0.1', port, (h, e) => {
      sock._h = h;
      if (e) { sock.destroy(errnoError(e, 'connect')); return; }
      sock._startReading();
      sock.emit('connect');
    });
    return sock;
  }

  const modules = {
    events: EventEmitter,
    net: { createServer: (opts, l) => new Server(typeof opts === 'function' ? opts : l), connect, createConnection: connect, Socket, Server },
    fs: {
      readFile(path, opts, cb) {
        if (typeof opts === 'function') { cb = opts; opts = undefined; }
        const enc = typeof opts === 'string' ? opts : opts && opts.encoding;
        native.readFile(String(path), (e, syscall, bytes) => cb(errnoError(e, syscall, String(path)), e ? undefined : decode(bytes, enc)));
      },
      writeFile(path, data, opts, cb) {
        if (typeof opts === 'function') { cb = opts; opts = undefined; }
        native.writeFile(String(path), String(data), (e, syscall) => cb(errnoError(e, syscall, String(path))));
      },
      stat(path, cb) {
        native.stat(String(path), (e, st) => {
          if (e) { cb(errnoError(e, 'stat', String(path))); return; }
          st.isFile = () => st.type === 'file';
          st.isDirectory = () => st.type === 'dir';
          cb(null, st);
        });
      },
      unlink(path, cb) { native.unlink(String(path), (e) => cb(errnoError(e, 'unlink', String(path)))); },
    },
    child_process: {
      spawn(file, args, opts) {
        const child = new EventEmitter();
        child.stdout = new Socket(null);
        child.stderr = new Socket(null);
        let waiting = 3;
        let exit = null;
        const done = () => { if (--waiting === 0) child.emit('close', exit[0], exit[1]); };
        child.stdout.on('close', done);
        child.stderr.on('close', done);
        const r = native.spawn(String(file), (args || []).map(String), (code, sig) => {
          exit = [sig ? null : code, sig || null];
          child.emit('exit', exit[0], exit[1]);
          done();
        });
        if (r.error) {
          process.nextTick(() => child.emit('error', errnoError(r.error, 'spawn ' + file, file)));
          return child;
        }
        child.pid = r.pid;
        for (const [s, h] of [[child.stdout, r.stdout], [child.stderr, r.stderr]]) {
          s._h = h;
          s._ended = true; // the parent never writes to the child's stdout or stderr
          s._startReading();
        }
        return child;
      },
    },
    dns: {
      lookup(host, opts, cb) {
        if (typeof opts === 'function') { cb = opts; opts = {}; }
        if (typeof opts === 'number') opts = { family: opts };
        native.lookup(String(host), (opts && opts.family) || 0, (e, address, family) => {
          if (e) {
            const err = errnoError(e, 'getaddrinfo', undefined);
            err.message = 'getaddrinfo ' + e.code + ' ' + host;
            err.hostname = host;
            cb(err);
            return;
          }
          cb(null, address, family);
        });
      },
    },
  };
  modules.events.EventEmitter = EventEmitter;
  global.require = (name) => {
    const m = modules[String(name).replace(/^node:/, '')];
    if (m === undefined) throw new Error("Cannot find module '" + name + "'");
    return m;
  };
})(this, __native);
