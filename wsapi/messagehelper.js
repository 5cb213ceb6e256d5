// wsapi's message helper: see jsFastPath in message_js.go, which explains
// each part. This text is embedded in every browser build: keep it short.
"use strict";
const enc = new TextEncoder(), dec = new TextDecoder("utf-8", { ignoreBOM: true });
// after(f) returns [post, stop]: post runs f in a task of its own.
const after = (f) => {
	if (typeof scheduler === "object" && scheduler && typeof scheduler.postTask === "function") {
		return [() => { scheduler.postTask(f); }, () => {}];
	}
	if (typeof setImmediate === "function") {
		return [() => { setImmediate(f); }, () => {}];
	}
	const mc = new MessageChannel();
	mc.port1.onmessage = f;
	return [() => { mc.port2.postMessage(0); }, () => { mc.port1.close(); }];
};
// CopyBytesToJS(sink, b) hands take a view of b in Go's memory.
class Sink extends Uint8Array {
	constructor(take) { super(0); this.take = take; }
	get length() { return 0x7fffffff; }
	set(src) { try { this.take(src); } catch {} }
}
let probed = 0;
const probe = new Sink((src) => { probed = src.length; });
const keepsViews = typeof process === "object" && process !== null &&
	typeof process.versions === "object" && process.versions !== null && !!process.versions.node;
const maxSkip = 63;
const make = function (ws, deliver, size, onopen, onerror, onclose) {
	const rbuf = new Uint8Array(size);
	const view = new DataView(rbuf.buffer);
	let used = 0, waiting = false, dead = false, skip = 0, backoff = 0;
	const flush = () => {
		if (used > 0 && !dead) {
			const n = used;
			used = 0;
			deliver(n);
		}
	};
	const task = () => {
		waiting = false;
		backoff = used > 0 ? 0 : Math.min(2 * backoff + 1, maxSkip);
		skip = backoff;
		flush();
	};
	const [later, stop] = after(task);
	const put = (kind, d, b) => {
		const at = used + 5;
		if (at > size) return false;
		let n;
		if (kind === 1) {
			const r = enc.encodeInto(d, rbuf.subarray(at));
			if (r.read !== d.length) return false;
			n = r.written;
		} else {
			if (b.length > size - at) return false;
			rbuf.set(b, at);
			n = b.length;
		}
		rbuf[used] = kind;
		view.setUint32(used + 1, n, true);
		used = at + n;
		return true;
	};
	ws.onmessage = (e) => {
		if (dead) return;
		const d = e.data, kind = typeof d === "string" ? 1 : 2;
		const b = kind === 1 ? null : new Uint8Array(d);
		if (!put(kind, d, b)) {
			flush();
			if (dead) return; // Go let go of the socket in that delivery
			if (!put(kind, d, b)) {
				const big = kind === 1 ? enc.encode(d) : b;
				deliver(kind, big.length, big);
				return;
			}
		}
		if (!waiting) {
			flush();
			if (skip > 0) {
				skip--;
			} else {
				waiting = true;
				later(); // after the sends of the handlers just run
			}
		}
	};
	ws.onopen = onopen;
	ws.onerror = (e) => { flush(); onerror(e); };
	ws.onclose = (e) => { flush(); onclose(e); };
	return {
		rbuf,
		textSink: new Sink((src) => { ws.send(dec.decode(src)); }),
		binarySink: new Sink((src) => { ws.send(keepsViews ? src.slice() : src); }),
		detach() { dead = true; used = 0; stop(); },
	};
};
make.probe = probe;
make.sinks = (n) => probed === n;
return make;
