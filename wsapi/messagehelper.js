// The message helper of wsapi's browser backend (message_js.go), made once
// with the Function constructor, so that a message crosses between
// JavaScript and Go with no js.Value. Its body returns a function of
// (ws, deliver, size, onopen, onerror, onclose) that sets the socket's four
// handlers; jsFastPath in message_js.go documents what each does. It is
// the body of a function, not a module: it ends with a return.
"use strict";
const enc = new TextEncoder(), dec = new TextDecoder("utf-8", { ignoreBOM: true });
// after(f) returns [post, stop]: post runs f in a task of its own, after
// those already queued (the browser's scheduler.postTask, else Node's
// setImmediate, else a MessageChannel), and stop frees what post needs. A
// port with a listener lives as long as the channel is open, and keeps
// Node running: stop closes it.
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
return function (ws, deliver, size, onopen, onerror, onclose) {
	const rbuf = new Uint8Array(size), sbuf = new Uint8Array(size);
	const view = new DataView(rbuf.buffer);
	let used = 0, waiting = false, dead = false;
	const flush = () => {
		if (used > 0 && !dead) {
			const n = used;
			used = 0;
			deliver(n);
		}
	};
	const task = () => { waiting = false; flush(); };
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
			waiting = true;
			flush();
			later(); // after the send that the handler may have made
		}
	};
	ws.onopen = onopen;
	ws.onerror = (e) => { flush(); onerror(e); };
	ws.onclose = (e) => { flush(); onclose(e); };
	const send = (x) => { try { ws.send(x); } catch {} };
	return {
		rbuf, sbuf,
		sendText(n) { send(dec.decode(sbuf.subarray(0, n))); },
		sendBinary(n) { send(sbuf.slice(0, n)); },
		detach() { dead = true; used = 0; stop(); },
	};
};