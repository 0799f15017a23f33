var PorVerify = (() => {
  var __defProp = Object.defineProperty;
  var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
  var __getOwnPropNames = Object.getOwnPropertyNames;
  var __hasOwnProp = Object.prototype.hasOwnProperty;
  var __export = (target, all) => {
    for (var name2 in all)
      __defProp(target, name2, { get: all[name2], enumerable: true });
  };
  var __copyProps = (to, from, except, desc) => {
    if (from && typeof from === "object" || typeof from === "function") {
      for (let key of __getOwnPropNames(from))
        if (!__hasOwnProp.call(to, key) && key !== except)
          __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
    }
    return to;
  };
  var __toCommonJS = (mod3) => __copyProps(__defProp({}, "__esModule", { value: true }), mod3);

  // src/index.js
  var index_exports = {};
  __export(index_exports, {
    Manifest: () => Manifest,
    Result: () => Result,
    bls: () => bls_exports,
    bytes: () => bytes_exports,
    canonicalDumps: () => canonicalDumps,
    group: () => group_exports,
    internals: () => internals,
    majorUnits: () => majorUnits,
    parseJson: () => parseJson,
    pedersen: () => pedersen_exports,
    rangeproof: () => rangeproof_exports,
    startPage: () => startPage,
    statements: () => statements_exports,
    verifyClientProof: () => verifyClientProof,
    verifyInclusion: () => verifyInclusion
  });

  // src/bytes.js
  var bytes_exports = {};
  __export(bytes_exports, {
    bytesToInt: () => bytesToInt,
    concat: () => concat,
    eqBytes: () => eqBytes,
    fromB64: () => fromB64,
    fromHex: () => fromHex,
    hmacSha256: () => hmacSha256,
    intToBytes: () => intToBytes,
    lp: () => lp,
    pyFromHex: () => pyFromHex,
    sha256: () => sha2562,
    te: () => te,
    toB64: () => toB64,
    toHex: () => toHex,
    u128: () => u128,
    u16: () => u16,
    u32: () => u32,
    u64: () => u64,
    u8: () => u8,
    utf8: () => utf8
  });

  // node_modules/@noble/hashes/esm/crypto.js
  var crypto = typeof globalThis === "object" && "crypto" in globalThis ? globalThis.crypto : void 0;

  // node_modules/@noble/hashes/esm/utils.js
  function isBytes(a) {
    return a instanceof Uint8Array || ArrayBuffer.isView(a) && a.constructor.name === "Uint8Array";
  }
  function anumber(n) {
    if (!Number.isSafeInteger(n) || n < 0)
      throw new Error("positive integer expected, got " + n);
  }
  function abytes(b, ...lengths) {
    if (!isBytes(b))
      throw new Error("Uint8Array expected");
    if (lengths.length > 0 && !lengths.includes(b.length))
      throw new Error("Uint8Array expected of length " + lengths + ", got length=" + b.length);
  }
  function ahash(h) {
    if (typeof h !== "function" || typeof h.create !== "function")
      throw new Error("Hash should be wrapped by utils.createHasher");
    anumber(h.outputLen);
    anumber(h.blockLen);
  }
  function aexists(instance, checkFinished = true) {
    if (instance.destroyed)
      throw new Error("Hash instance has been destroyed");
    if (checkFinished && instance.finished)
      throw new Error("Hash#digest() has already been called");
  }
  function aoutput(out, instance) {
    abytes(out);
    const min = instance.outputLen;
    if (out.length < min) {
      throw new Error("digestInto() expects output buffer of length at least " + min);
    }
  }
  function clean(...arrays) {
    for (let i = 0; i < arrays.length; i++) {
      arrays[i].fill(0);
    }
  }
  function createView(arr) {
    return new DataView(arr.buffer, arr.byteOffset, arr.byteLength);
  }
  function rotr(word, shift) {
    return word << 32 - shift | word >>> shift;
  }
  var hasHexBuiltin = /* @__PURE__ */ (() => (
    // @ts-ignore
    typeof Uint8Array.from([]).toHex === "function" && typeof Uint8Array.fromHex === "function"
  ))();
  var hexes = /* @__PURE__ */ Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
  function bytesToHex(bytes) {
    abytes(bytes);
    if (hasHexBuiltin)
      return bytes.toHex();
    let hex2 = "";
    for (let i = 0; i < bytes.length; i++) {
      hex2 += hexes[bytes[i]];
    }
    return hex2;
  }
  var asciis = { _0: 48, _9: 57, A: 65, F: 70, a: 97, f: 102 };
  function asciiToBase16(ch) {
    if (ch >= asciis._0 && ch <= asciis._9)
      return ch - asciis._0;
    if (ch >= asciis.A && ch <= asciis.F)
      return ch - (asciis.A - 10);
    if (ch >= asciis.a && ch <= asciis.f)
      return ch - (asciis.a - 10);
    return;
  }
  function hexToBytes(hex2) {
    if (typeof hex2 !== "string")
      throw new Error("hex string expected, got " + typeof hex2);
    if (hasHexBuiltin)
      return Uint8Array.fromHex(hex2);
    const hl = hex2.length;
    const al = hl / 2;
    if (hl % 2)
      throw new Error("hex string expected, got unpadded hex of length " + hl);
    const array = new Uint8Array(al);
    for (let ai = 0, hi = 0; ai < al; ai++, hi += 2) {
      const n1 = asciiToBase16(hex2.charCodeAt(hi));
      const n2 = asciiToBase16(hex2.charCodeAt(hi + 1));
      if (n1 === void 0 || n2 === void 0) {
        const char = hex2[hi] + hex2[hi + 1];
        throw new Error('hex string expected, got non-hex character "' + char + '" at index ' + hi);
      }
      array[ai] = n1 * 16 + n2;
    }
    return array;
  }
  function utf8ToBytes(str2) {
    if (typeof str2 !== "string")
      throw new Error("string expected");
    return new Uint8Array(new TextEncoder().encode(str2));
  }
  function toBytes(data) {
    if (typeof data === "string")
      data = utf8ToBytes(data);
    abytes(data);
    return data;
  }
  function concatBytes(...arrays) {
    let sum = 0;
    for (let i = 0; i < arrays.length; i++) {
      const a = arrays[i];
      abytes(a);
      sum += a.length;
    }
    const res = new Uint8Array(sum);
    for (let i = 0, pad = 0; i < arrays.length; i++) {
      const a = arrays[i];
      res.set(a, pad);
      pad += a.length;
    }
    return res;
  }
  var Hash = class {
  };
  function createHasher(hashCons) {
    const hashC = (msg) => hashCons().update(toBytes(msg)).digest();
    const tmp = hashCons();
    hashC.outputLen = tmp.outputLen;
    hashC.blockLen = tmp.blockLen;
    hashC.create = () => hashCons();
    return hashC;
  }
  function randomBytes(bytesLength = 32) {
    if (crypto && typeof crypto.getRandomValues === "function") {
      return crypto.getRandomValues(new Uint8Array(bytesLength));
    }
    if (crypto && typeof crypto.randomBytes === "function") {
      return Uint8Array.from(crypto.randomBytes(bytesLength));
    }
    throw new Error("crypto.getRandomValues must be defined");
  }

  // node_modules/@noble/hashes/esm/_md.js
  function setBigUint64(view, byteOffset, value, isLE) {
    if (typeof view.setBigUint64 === "function")
      return view.setBigUint64(byteOffset, value, isLE);
    const _32n2 = BigInt(32);
    const _u32_max = BigInt(4294967295);
    const wh = Number(value >> _32n2 & _u32_max);
    const wl = Number(value & _u32_max);
    const h = isLE ? 4 : 0;
    const l = isLE ? 0 : 4;
    view.setUint32(byteOffset + h, wh, isLE);
    view.setUint32(byteOffset + l, wl, isLE);
  }
  function Chi(a, b, c) {
    return a & b ^ ~a & c;
  }
  function Maj(a, b, c) {
    return a & b ^ a & c ^ b & c;
  }
  var HashMD = class extends Hash {
    constructor(blockLen, outputLen, padOffset, isLE) {
      super();
      this.finished = false;
      this.length = 0;
      this.pos = 0;
      this.destroyed = false;
      this.blockLen = blockLen;
      this.outputLen = outputLen;
      this.padOffset = padOffset;
      this.isLE = isLE;
      this.buffer = new Uint8Array(blockLen);
      this.view = createView(this.buffer);
    }
    update(data) {
      aexists(this);
      data = toBytes(data);
      abytes(data);
      const { view, buffer, blockLen } = this;
      const len = data.length;
      for (let pos = 0; pos < len; ) {
        const take = Math.min(blockLen - this.pos, len - pos);
        if (take === blockLen) {
          const dataView = createView(data);
          for (; blockLen <= len - pos; pos += blockLen)
            this.process(dataView, pos);
          continue;
        }
        buffer.set(data.subarray(pos, pos + take), this.pos);
        this.pos += take;
        pos += take;
        if (this.pos === blockLen) {
          this.process(view, 0);
          this.pos = 0;
        }
      }
      this.length += data.length;
      this.roundClean();
      return this;
    }
    digestInto(out) {
      aexists(this);
      aoutput(out, this);
      this.finished = true;
      const { buffer, view, blockLen, isLE } = this;
      let { pos } = this;
      buffer[pos++] = 128;
      clean(this.buffer.subarray(pos));
      if (this.padOffset > blockLen - pos) {
        this.process(view, 0);
        pos = 0;
      }
      for (let i = pos; i < blockLen; i++)
        buffer[i] = 0;
      setBigUint64(view, blockLen - 8, BigInt(this.length * 8), isLE);
      this.process(view, 0);
      const oview = createView(out);
      const len = this.outputLen;
      if (len % 4)
        throw new Error("_sha2: outputLen should be aligned to 32bit");
      const outLen = len / 4;
      const state = this.get();
      if (outLen > state.length)
        throw new Error("_sha2: outputLen bigger than state");
      for (let i = 0; i < outLen; i++)
        oview.setUint32(4 * i, state[i], isLE);
    }
    digest() {
      const { buffer, outputLen } = this;
      this.digestInto(buffer);
      const res = buffer.slice(0, outputLen);
      this.destroy();
      return res;
    }
    _cloneInto(to) {
      to || (to = new this.constructor());
      to.set(...this.get());
      const { blockLen, buffer, length, finished, destroyed, pos } = this;
      to.destroyed = destroyed;
      to.finished = finished;
      to.length = length;
      to.pos = pos;
      if (length % blockLen)
        to.buffer.set(buffer);
      return to;
    }
    clone() {
      return this._cloneInto();
    }
  };
  var SHA256_IV = /* @__PURE__ */ Uint32Array.from([
    1779033703,
    3144134277,
    1013904242,
    2773480762,
    1359893119,
    2600822924,
    528734635,
    1541459225
  ]);
  var SHA512_IV = /* @__PURE__ */ Uint32Array.from([
    1779033703,
    4089235720,
    3144134277,
    2227873595,
    1013904242,
    4271175723,
    2773480762,
    1595750129,
    1359893119,
    2917565137,
    2600822924,
    725511199,
    528734635,
    4215389547,
    1541459225,
    327033209
  ]);

  // node_modules/@noble/hashes/esm/_u64.js
  var U32_MASK64 = /* @__PURE__ */ BigInt(2 ** 32 - 1);
  var _32n = /* @__PURE__ */ BigInt(32);
  function fromBig(n, le = false) {
    if (le)
      return { h: Number(n & U32_MASK64), l: Number(n >> _32n & U32_MASK64) };
    return { h: Number(n >> _32n & U32_MASK64) | 0, l: Number(n & U32_MASK64) | 0 };
  }
  function split(lst, le = false) {
    const len = lst.length;
    let Ah = new Uint32Array(len);
    let Al = new Uint32Array(len);
    for (let i = 0; i < len; i++) {
      const { h, l } = fromBig(lst[i], le);
      [Ah[i], Al[i]] = [h, l];
    }
    return [Ah, Al];
  }
  var shrSH = (h, _l, s) => h >>> s;
  var shrSL = (h, l, s) => h << 32 - s | l >>> s;
  var rotrSH = (h, l, s) => h >>> s | l << 32 - s;
  var rotrSL = (h, l, s) => h << 32 - s | l >>> s;
  var rotrBH = (h, l, s) => h << 64 - s | l >>> s - 32;
  var rotrBL = (h, l, s) => h >>> s - 32 | l << 64 - s;
  function add(Ah, Al, Bh, Bl) {
    const l = (Al >>> 0) + (Bl >>> 0);
    return { h: Ah + Bh + (l / 2 ** 32 | 0) | 0, l: l | 0 };
  }
  var add3L = (Al, Bl, Cl) => (Al >>> 0) + (Bl >>> 0) + (Cl >>> 0);
  var add3H = (low, Ah, Bh, Ch) => Ah + Bh + Ch + (low / 2 ** 32 | 0) | 0;
  var add4L = (Al, Bl, Cl, Dl) => (Al >>> 0) + (Bl >>> 0) + (Cl >>> 0) + (Dl >>> 0);
  var add4H = (low, Ah, Bh, Ch, Dh) => Ah + Bh + Ch + Dh + (low / 2 ** 32 | 0) | 0;
  var add5L = (Al, Bl, Cl, Dl, El) => (Al >>> 0) + (Bl >>> 0) + (Cl >>> 0) + (Dl >>> 0) + (El >>> 0);
  var add5H = (low, Ah, Bh, Ch, Dh, Eh) => Ah + Bh + Ch + Dh + Eh + (low / 2 ** 32 | 0) | 0;

  // node_modules/@noble/hashes/esm/sha2.js
  var SHA256_K = /* @__PURE__ */ Uint32Array.from([
    1116352408,
    1899447441,
    3049323471,
    3921009573,
    961987163,
    1508970993,
    2453635748,
    2870763221,
    3624381080,
    310598401,
    607225278,
    1426881987,
    1925078388,
    2162078206,
    2614888103,
    3248222580,
    3835390401,
    4022224774,
    264347078,
    604807628,
    770255983,
    1249150122,
    1555081692,
    1996064986,
    2554220882,
    2821834349,
    2952996808,
    3210313671,
    3336571891,
    3584528711,
    113926993,
    338241895,
    666307205,
    773529912,
    1294757372,
    1396182291,
    1695183700,
    1986661051,
    2177026350,
    2456956037,
    2730485921,
    2820302411,
    3259730800,
    3345764771,
    3516065817,
    3600352804,
    4094571909,
    275423344,
    430227734,
    506948616,
    659060556,
    883997877,
    958139571,
    1322822218,
    1537002063,
    1747873779,
    1955562222,
    2024104815,
    2227730452,
    2361852424,
    2428436474,
    2756734187,
    3204031479,
    3329325298
  ]);
  var SHA256_W = /* @__PURE__ */ new Uint32Array(64);
  var SHA256 = class extends HashMD {
    constructor(outputLen = 32) {
      super(64, outputLen, 8, false);
      this.A = SHA256_IV[0] | 0;
      this.B = SHA256_IV[1] | 0;
      this.C = SHA256_IV[2] | 0;
      this.D = SHA256_IV[3] | 0;
      this.E = SHA256_IV[4] | 0;
      this.F = SHA256_IV[5] | 0;
      this.G = SHA256_IV[6] | 0;
      this.H = SHA256_IV[7] | 0;
    }
    get() {
      const { A, B, C, D, E, F, G: G3, H } = this;
      return [A, B, C, D, E, F, G3, H];
    }
    // prettier-ignore
    set(A, B, C, D, E, F, G3, H) {
      this.A = A | 0;
      this.B = B | 0;
      this.C = C | 0;
      this.D = D | 0;
      this.E = E | 0;
      this.F = F | 0;
      this.G = G3 | 0;
      this.H = H | 0;
    }
    process(view, offset) {
      for (let i = 0; i < 16; i++, offset += 4)
        SHA256_W[i] = view.getUint32(offset, false);
      for (let i = 16; i < 64; i++) {
        const W15 = SHA256_W[i - 15];
        const W2 = SHA256_W[i - 2];
        const s0 = rotr(W15, 7) ^ rotr(W15, 18) ^ W15 >>> 3;
        const s1 = rotr(W2, 17) ^ rotr(W2, 19) ^ W2 >>> 10;
        SHA256_W[i] = s1 + SHA256_W[i - 7] + s0 + SHA256_W[i - 16] | 0;
      }
      let { A, B, C, D, E, F, G: G3, H } = this;
      for (let i = 0; i < 64; i++) {
        const sigma1 = rotr(E, 6) ^ rotr(E, 11) ^ rotr(E, 25);
        const T1 = H + sigma1 + Chi(E, F, G3) + SHA256_K[i] + SHA256_W[i] | 0;
        const sigma0 = rotr(A, 2) ^ rotr(A, 13) ^ rotr(A, 22);
        const T2 = sigma0 + Maj(A, B, C) | 0;
        H = G3;
        G3 = F;
        F = E;
        E = D + T1 | 0;
        D = C;
        C = B;
        B = A;
        A = T1 + T2 | 0;
      }
      A = A + this.A | 0;
      B = B + this.B | 0;
      C = C + this.C | 0;
      D = D + this.D | 0;
      E = E + this.E | 0;
      F = F + this.F | 0;
      G3 = G3 + this.G | 0;
      H = H + this.H | 0;
      this.set(A, B, C, D, E, F, G3, H);
    }
    roundClean() {
      clean(SHA256_W);
    }
    destroy() {
      this.set(0, 0, 0, 0, 0, 0, 0, 0);
      clean(this.buffer);
    }
  };
  var K512 = /* @__PURE__ */ (() => split([
    "0x428a2f98d728ae22",
    "0x7137449123ef65cd",
    "0xb5c0fbcfec4d3b2f",
    "0xe9b5dba58189dbbc",
    "0x3956c25bf348b538",
    "0x59f111f1b605d019",
    "0x923f82a4af194f9b",
    "0xab1c5ed5da6d8118",
    "0xd807aa98a3030242",
    "0x12835b0145706fbe",
    "0x243185be4ee4b28c",
    "0x550c7dc3d5ffb4e2",
    "0x72be5d74f27b896f",
    "0x80deb1fe3b1696b1",
    "0x9bdc06a725c71235",
    "0xc19bf174cf692694",
    "0xe49b69c19ef14ad2",
    "0xefbe4786384f25e3",
    "0x0fc19dc68b8cd5b5",
    "0x240ca1cc77ac9c65",
    "0x2de92c6f592b0275",
    "0x4a7484aa6ea6e483",
    "0x5cb0a9dcbd41fbd4",
    "0x76f988da831153b5",
    "0x983e5152ee66dfab",
    "0xa831c66d2db43210",
    "0xb00327c898fb213f",
    "0xbf597fc7beef0ee4",
    "0xc6e00bf33da88fc2",
    "0xd5a79147930aa725",
    "0x06ca6351e003826f",
    "0x142929670a0e6e70",
    "0x27b70a8546d22ffc",
    "0x2e1b21385c26c926",
    "0x4d2c6dfc5ac42aed",
    "0x53380d139d95b3df",
    "0x650a73548baf63de",
    "0x766a0abb3c77b2a8",
    "0x81c2c92e47edaee6",
    "0x92722c851482353b",
    "0xa2bfe8a14cf10364",
    "0xa81a664bbc423001",
    "0xc24b8b70d0f89791",
    "0xc76c51a30654be30",
    "0xd192e819d6ef5218",
    "0xd69906245565a910",
    "0xf40e35855771202a",
    "0x106aa07032bbd1b8",
    "0x19a4c116b8d2d0c8",
    "0x1e376c085141ab53",
    "0x2748774cdf8eeb99",
    "0x34b0bcb5e19b48a8",
    "0x391c0cb3c5c95a63",
    "0x4ed8aa4ae3418acb",
    "0x5b9cca4f7763e373",
    "0x682e6ff3d6b2b8a3",
    "0x748f82ee5defb2fc",
    "0x78a5636f43172f60",
    "0x84c87814a1f0ab72",
    "0x8cc702081a6439ec",
    "0x90befffa23631e28",
    "0xa4506cebde82bde9",
    "0xbef9a3f7b2c67915",
    "0xc67178f2e372532b",
    "0xca273eceea26619c",
    "0xd186b8c721c0c207",
    "0xeada7dd6cde0eb1e",
    "0xf57d4f7fee6ed178",
    "0x06f067aa72176fba",
    "0x0a637dc5a2c898a6",
    "0x113f9804bef90dae",
    "0x1b710b35131c471b",
    "0x28db77f523047d84",
    "0x32caab7b40c72493",
    "0x3c9ebe0a15c9bebc",
    "0x431d67c49c100d4c",
    "0x4cc5d4becb3e42b6",
    "0x597f299cfc657e2a",
    "0x5fcb6fab3ad6faec",
    "0x6c44198c4a475817"
  ].map((n) => BigInt(n))))();
  var SHA512_Kh = /* @__PURE__ */ (() => K512[0])();
  var SHA512_Kl = /* @__PURE__ */ (() => K512[1])();
  var SHA512_W_H = /* @__PURE__ */ new Uint32Array(80);
  var SHA512_W_L = /* @__PURE__ */ new Uint32Array(80);
  var SHA512 = class extends HashMD {
    constructor(outputLen = 64) {
      super(128, outputLen, 16, false);
      this.Ah = SHA512_IV[0] | 0;
      this.Al = SHA512_IV[1] | 0;
      this.Bh = SHA512_IV[2] | 0;
      this.Bl = SHA512_IV[3] | 0;
      this.Ch = SHA512_IV[4] | 0;
      this.Cl = SHA512_IV[5] | 0;
      this.Dh = SHA512_IV[6] | 0;
      this.Dl = SHA512_IV[7] | 0;
      this.Eh = SHA512_IV[8] | 0;
      this.El = SHA512_IV[9] | 0;
      this.Fh = SHA512_IV[10] | 0;
      this.Fl = SHA512_IV[11] | 0;
      this.Gh = SHA512_IV[12] | 0;
      this.Gl = SHA512_IV[13] | 0;
      this.Hh = SHA512_IV[14] | 0;
      this.Hl = SHA512_IV[15] | 0;
    }
    // prettier-ignore
    get() {
      const { Ah, Al, Bh, Bl, Ch, Cl, Dh, Dl, Eh, El, Fh, Fl, Gh, Gl, Hh, Hl } = this;
      return [Ah, Al, Bh, Bl, Ch, Cl, Dh, Dl, Eh, El, Fh, Fl, Gh, Gl, Hh, Hl];
    }
    // prettier-ignore
    set(Ah, Al, Bh, Bl, Ch, Cl, Dh, Dl, Eh, El, Fh, Fl, Gh, Gl, Hh, Hl) {
      this.Ah = Ah | 0;
      this.Al = Al | 0;
      this.Bh = Bh | 0;
      this.Bl = Bl | 0;
      this.Ch = Ch | 0;
      this.Cl = Cl | 0;
      this.Dh = Dh | 0;
      this.Dl = Dl | 0;
      this.Eh = Eh | 0;
      this.El = El | 0;
      this.Fh = Fh | 0;
      this.Fl = Fl | 0;
      this.Gh = Gh | 0;
      this.Gl = Gl | 0;
      this.Hh = Hh | 0;
      this.Hl = Hl | 0;
    }
    process(view, offset) {
      for (let i = 0; i < 16; i++, offset += 4) {
        SHA512_W_H[i] = view.getUint32(offset);
        SHA512_W_L[i] = view.getUint32(offset += 4);
      }
      for (let i = 16; i < 80; i++) {
        const W15h = SHA512_W_H[i - 15] | 0;
        const W15l = SHA512_W_L[i - 15] | 0;
        const s0h = rotrSH(W15h, W15l, 1) ^ rotrSH(W15h, W15l, 8) ^ shrSH(W15h, W15l, 7);
        const s0l = rotrSL(W15h, W15l, 1) ^ rotrSL(W15h, W15l, 8) ^ shrSL(W15h, W15l, 7);
        const W2h = SHA512_W_H[i - 2] | 0;
        const W2l = SHA512_W_L[i - 2] | 0;
        const s1h = rotrSH(W2h, W2l, 19) ^ rotrBH(W2h, W2l, 61) ^ shrSH(W2h, W2l, 6);
        const s1l = rotrSL(W2h, W2l, 19) ^ rotrBL(W2h, W2l, 61) ^ shrSL(W2h, W2l, 6);
        const SUMl = add4L(s0l, s1l, SHA512_W_L[i - 7], SHA512_W_L[i - 16]);
        const SUMh = add4H(SUMl, s0h, s1h, SHA512_W_H[i - 7], SHA512_W_H[i - 16]);
        SHA512_W_H[i] = SUMh | 0;
        SHA512_W_L[i] = SUMl | 0;
      }
      let { Ah, Al, Bh, Bl, Ch, Cl, Dh, Dl, Eh, El, Fh, Fl, Gh, Gl, Hh, Hl } = this;
      for (let i = 0; i < 80; i++) {
        const sigma1h = rotrSH(Eh, El, 14) ^ rotrSH(Eh, El, 18) ^ rotrBH(Eh, El, 41);
        const sigma1l = rotrSL(Eh, El, 14) ^ rotrSL(Eh, El, 18) ^ rotrBL(Eh, El, 41);
        const CHIh = Eh & Fh ^ ~Eh & Gh;
        const CHIl = El & Fl ^ ~El & Gl;
        const T1ll = add5L(Hl, sigma1l, CHIl, SHA512_Kl[i], SHA512_W_L[i]);
        const T1h = add5H(T1ll, Hh, sigma1h, CHIh, SHA512_Kh[i], SHA512_W_H[i]);
        const T1l = T1ll | 0;
        const sigma0h = rotrSH(Ah, Al, 28) ^ rotrBH(Ah, Al, 34) ^ rotrBH(Ah, Al, 39);
        const sigma0l = rotrSL(Ah, Al, 28) ^ rotrBL(Ah, Al, 34) ^ rotrBL(Ah, Al, 39);
        const MAJh = Ah & Bh ^ Ah & Ch ^ Bh & Ch;
        const MAJl = Al & Bl ^ Al & Cl ^ Bl & Cl;
        Hh = Gh | 0;
        Hl = Gl | 0;
        Gh = Fh | 0;
        Gl = Fl | 0;
        Fh = Eh | 0;
        Fl = El | 0;
        ({ h: Eh, l: El } = add(Dh | 0, Dl | 0, T1h | 0, T1l | 0));
        Dh = Ch | 0;
        Dl = Cl | 0;
        Ch = Bh | 0;
        Cl = Bl | 0;
        Bh = Ah | 0;
        Bl = Al | 0;
        const All = add3L(T1l, sigma0l, MAJl);
        Ah = add3H(All, T1h, sigma0h, MAJh);
        Al = All | 0;
      }
      ({ h: Ah, l: Al } = add(this.Ah | 0, this.Al | 0, Ah | 0, Al | 0));
      ({ h: Bh, l: Bl } = add(this.Bh | 0, this.Bl | 0, Bh | 0, Bl | 0));
      ({ h: Ch, l: Cl } = add(this.Ch | 0, this.Cl | 0, Ch | 0, Cl | 0));
      ({ h: Dh, l: Dl } = add(this.Dh | 0, this.Dl | 0, Dh | 0, Dl | 0));
      ({ h: Eh, l: El } = add(this.Eh | 0, this.El | 0, Eh | 0, El | 0));
      ({ h: Fh, l: Fl } = add(this.Fh | 0, this.Fl | 0, Fh | 0, Fl | 0));
      ({ h: Gh, l: Gl } = add(this.Gh | 0, this.Gl | 0, Gh | 0, Gl | 0));
      ({ h: Hh, l: Hl } = add(this.Hh | 0, this.Hl | 0, Hh | 0, Hl | 0));
      this.set(Ah, Al, Bh, Bl, Ch, Cl, Dh, Dl, Eh, El, Fh, Fl, Gh, Gl, Hh, Hl);
    }
    roundClean() {
      clean(SHA512_W_H, SHA512_W_L);
    }
    destroy() {
      clean(this.buffer);
      this.set(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
  };
  var sha256 = /* @__PURE__ */ createHasher(() => new SHA256());
  var sha512 = /* @__PURE__ */ createHasher(() => new SHA512());

  // node_modules/@noble/hashes/esm/hmac.js
  var HMAC = class extends Hash {
    constructor(hash, _key) {
      super();
      this.finished = false;
      this.destroyed = false;
      ahash(hash);
      const key = toBytes(_key);
      this.iHash = hash.create();
      if (typeof this.iHash.update !== "function")
        throw new Error("Expected instance of class which extends utils.Hash");
      this.blockLen = this.iHash.blockLen;
      this.outputLen = this.iHash.outputLen;
      const blockLen = this.blockLen;
      const pad = new Uint8Array(blockLen);
      pad.set(key.length > blockLen ? hash.create().update(key).digest() : key);
      for (let i = 0; i < pad.length; i++)
        pad[i] ^= 54;
      this.iHash.update(pad);
      this.oHash = hash.create();
      for (let i = 0; i < pad.length; i++)
        pad[i] ^= 54 ^ 92;
      this.oHash.update(pad);
      clean(pad);
    }
    update(buf) {
      aexists(this);
      this.iHash.update(buf);
      return this;
    }
    digestInto(out) {
      aexists(this);
      abytes(out, this.outputLen);
      this.finished = true;
      this.iHash.digestInto(out);
      this.oHash.update(out);
      this.oHash.digestInto(out);
      this.destroy();
    }
    digest() {
      const out = new Uint8Array(this.oHash.outputLen);
      this.digestInto(out);
      return out;
    }
    _cloneInto(to) {
      to || (to = Object.create(Object.getPrototypeOf(this), {}));
      const { oHash, iHash, finished, destroyed, blockLen, outputLen } = this;
      to = to;
      to.finished = finished;
      to.destroyed = destroyed;
      to.blockLen = blockLen;
      to.outputLen = outputLen;
      to.oHash = oHash._cloneInto(to.oHash);
      to.iHash = iHash._cloneInto(to.iHash);
      return to;
    }
    clone() {
      return this._cloneInto();
    }
    destroy() {
      this.destroyed = true;
      this.oHash.destroy();
      this.iHash.destroy();
    }
  };
  var hmac = (hash, key, message) => new HMAC(hash, key).update(message).digest();
  hmac.create = (hash, key) => new HMAC(hash, key);

  // src/bytes.js
  var te = new TextEncoder();
  var utf8 = (s) => te.encode(s);
  function concat(...parts) {
    let len = 0;
    for (const p of parts) len += p.length;
    const out = new Uint8Array(len);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
  function eqBytes(a, b) {
    if (a.length !== b.length) return false;
    for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
    return true;
  }
  function toHex(b) {
    let s = "";
    for (const x of b) s += x.toString(16).padStart(2, "0");
    return s;
  }
  function fromHex(s) {
    if (typeof s !== "string" || s.length % 2 || !/^[0-9a-f]*$/.test(s)) throw new Error("not lower-case hex");
    const out = new Uint8Array(s.length / 2);
    for (let k = 0; k < out.length; k++) out[k] = parseInt(s.slice(2 * k, 2 * k + 2), 16);
    return out;
  }
  function pyFromHex(s) {
    const t = s.replace(/[ \t\n\r\x0b\x0c]/g, "");
    if (t.length % 2 || !/^[0-9a-fA-F]*$/.test(t)) throw new Error("non-hexadecimal number");
    return fromHex(t.toLowerCase());
  }
  function fromB64(s) {
    if (typeof s !== "string") throw new Error("not a string");
    if (s.length % 4 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new Error("not valid base64");
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let k = 0; k < bin.length; k++) out[k] = bin.charCodeAt(k);
    return out;
  }
  function toB64(b) {
    let s = "";
    for (const x of b) s += String.fromCharCode(x);
    return btoa(s);
  }
  function intToBytes(v, n) {
    if (v < 0n || v >= 1n << BigInt(8 * n)) throw new Error("integer out of range");
    const out = new Uint8Array(n);
    for (let k = n - 1; k >= 0; k--) {
      out[k] = Number(v & 0xffn);
      v >>= 8n;
    }
    return out;
  }
  function bytesToInt(b) {
    let v = 0n;
    for (const x of b) v = v << 8n | BigInt(x);
    return v;
  }
  var u8 = (v) => intToBytes(BigInt(v), 1);
  var u16 = (v) => intToBytes(BigInt(v), 2);
  var u32 = (v) => intToBytes(BigInt(v), 4);
  var u64 = (v) => intToBytes(BigInt(v), 8);
  var u128 = (v) => intToBytes(BigInt(v), 16);
  var lp = (b) => concat(u32(b.length), b);
  var sha2562 = (...parts) => sha256(concat(...parts));
  var hmacSha256 = (key, msg) => hmac(sha256, key, msg);

  // src/group.js
  var group_exports = {};
  __export(group_exports, {
    EncodingError: () => EncodingError,
    G: () => G,
    H2C_DST: () => H2C_DST,
    IDENTITY_BYTES: () => IDENTITY_BYTES,
    POINT_BYTES: () => POINT_BYTES,
    R: () => R,
    ZERO: () => ZERO,
    decode: () => decode,
    decodeScalar: () => decodeScalar,
    encode: () => encode,
    encodeScalar: () => encodeScalar,
    hashToG1: () => hashToG1,
    hashToScalar: () => hashToScalar,
    inv: () => inv,
    mod: () => mod2,
    modpow: () => modpow,
    msm: () => msm,
    mul: () => mul,
    randomScalar: () => randomScalar
  });

  // node_modules/@noble/curves/esm/utils.js
  var _0n = /* @__PURE__ */ BigInt(0);
  var _1n = /* @__PURE__ */ BigInt(1);
  function _abool2(value, title = "") {
    if (typeof value !== "boolean") {
      const prefix = title && `"${title}"`;
      throw new Error(prefix + "expected boolean, got type=" + typeof value);
    }
    return value;
  }
  function _abytes2(value, length, title = "") {
    const bytes = isBytes(value);
    const len = value?.length;
    const needsLen = length !== void 0;
    if (!bytes || needsLen && len !== length) {
      const prefix = title && `"${title}" `;
      const ofLen = needsLen ? ` of length ${length}` : "";
      const got = bytes ? `length=${len}` : `type=${typeof value}`;
      throw new Error(prefix + "expected Uint8Array" + ofLen + ", got " + got);
    }
    return value;
  }
  function hexToNumber(hex2) {
    if (typeof hex2 !== "string")
      throw new Error("hex string expected, got " + typeof hex2);
    return hex2 === "" ? _0n : BigInt("0x" + hex2);
  }
  function bytesToNumberBE(bytes) {
    return hexToNumber(bytesToHex(bytes));
  }
  function bytesToNumberLE(bytes) {
    abytes(bytes);
    return hexToNumber(bytesToHex(Uint8Array.from(bytes).reverse()));
  }
  function numberToBytesBE(n, len) {
    return hexToBytes(n.toString(16).padStart(len * 2, "0"));
  }
  function numberToBytesLE(n, len) {
    return numberToBytesBE(n, len).reverse();
  }
  function ensureBytes(title, hex2, expectedLength) {
    let res;
    if (typeof hex2 === "string") {
      try {
        res = hexToBytes(hex2);
      } catch (e) {
        throw new Error(title + " must be hex string or Uint8Array, cause: " + e);
      }
    } else if (isBytes(hex2)) {
      res = Uint8Array.from(hex2);
    } else {
      throw new Error(title + " must be hex string or Uint8Array");
    }
    const len = res.length;
    if (typeof expectedLength === "number" && len !== expectedLength)
      throw new Error(title + " of length " + expectedLength + " expected, got " + len);
    return res;
  }
  function equalBytes(a, b) {
    if (a.length !== b.length)
      return false;
    let diff = 0;
    for (let i = 0; i < a.length; i++)
      diff |= a[i] ^ b[i];
    return diff === 0;
  }
  function copyBytes(bytes) {
    return Uint8Array.from(bytes);
  }
  var isPosBig = (n) => typeof n === "bigint" && _0n <= n;
  function inRange(n, min, max) {
    return isPosBig(n) && isPosBig(min) && isPosBig(max) && min <= n && n < max;
  }
  function aInRange(title, n, min, max) {
    if (!inRange(n, min, max))
      throw new Error("expected valid " + title + ": " + min + " <= n < " + max + ", got " + n);
  }
  function bitLen(n) {
    let len;
    for (len = 0; n > _0n; n >>= _1n, len += 1)
      ;
    return len;
  }
  function bitGet(n, pos) {
    return n >> BigInt(pos) & _1n;
  }
  var bitMask = (n) => (_1n << BigInt(n)) - _1n;
  function isHash(val) {
    return typeof val === "function" && Number.isSafeInteger(val.outputLen);
  }
  function _validateObject(object, fields, optFields = {}) {
    if (!object || typeof object !== "object")
      throw new Error("expected valid options object");
    function checkField(fieldName, expectedType, isOpt) {
      const val = object[fieldName];
      if (isOpt && val === void 0)
        return;
      const current = typeof val;
      if (current !== expectedType || val === null)
        throw new Error(`param "${fieldName}" is invalid: expected ${expectedType}, got ${current}`);
    }
    Object.entries(fields).forEach(([k, v]) => checkField(k, v, false));
    Object.entries(optFields).forEach(([k, v]) => checkField(k, v, true));
  }
  var notImplemented = () => {
    throw new Error("not implemented");
  };
  function memoized(fn) {
    const map2 = /* @__PURE__ */ new WeakMap();
    return (arg, ...args) => {
      const val = map2.get(arg);
      if (val !== void 0)
        return val;
      const computed = fn(arg, ...args);
      map2.set(arg, computed);
      return computed;
    };
  }

  // node_modules/@noble/curves/esm/abstract/modular.js
  var _0n2 = BigInt(0);
  var _1n2 = BigInt(1);
  var _2n = /* @__PURE__ */ BigInt(2);
  var _3n = /* @__PURE__ */ BigInt(3);
  var _4n = /* @__PURE__ */ BigInt(4);
  var _5n = /* @__PURE__ */ BigInt(5);
  var _7n = /* @__PURE__ */ BigInt(7);
  var _8n = /* @__PURE__ */ BigInt(8);
  var _9n = /* @__PURE__ */ BigInt(9);
  var _16n = /* @__PURE__ */ BigInt(16);
  function mod(a, b) {
    const result = a % b;
    return result >= _0n2 ? result : b + result;
  }
  function pow2(x, power, modulo) {
    let res = x;
    while (power-- > _0n2) {
      res *= res;
      res %= modulo;
    }
    return res;
  }
  function invert(number, modulo) {
    if (number === _0n2)
      throw new Error("invert: expected non-zero number");
    if (modulo <= _0n2)
      throw new Error("invert: expected positive modulus, got " + modulo);
    let a = mod(number, modulo);
    let b = modulo;
    let x = _0n2, y = _1n2, u = _1n2, v = _0n2;
    while (a !== _0n2) {
      const q = b / a;
      const r = b % a;
      const m = x - u * q;
      const n = y - v * q;
      b = a, a = r, x = u, y = v, u = m, v = n;
    }
    const gcd = b;
    if (gcd !== _1n2)
      throw new Error("invert: does not exist");
    return mod(x, modulo);
  }
  function assertIsSquare(Fp4, root, n) {
    if (!Fp4.eql(Fp4.sqr(root), n))
      throw new Error("Cannot find square root");
  }
  function sqrt3mod4(Fp4, n) {
    const p1div4 = (Fp4.ORDER + _1n2) / _4n;
    const root = Fp4.pow(n, p1div4);
    assertIsSquare(Fp4, root, n);
    return root;
  }
  function sqrt5mod8(Fp4, n) {
    const p5div8 = (Fp4.ORDER - _5n) / _8n;
    const n2 = Fp4.mul(n, _2n);
    const v = Fp4.pow(n2, p5div8);
    const nv = Fp4.mul(n, v);
    const i = Fp4.mul(Fp4.mul(nv, _2n), v);
    const root = Fp4.mul(nv, Fp4.sub(i, Fp4.ONE));
    assertIsSquare(Fp4, root, n);
    return root;
  }
  function sqrt9mod16(P2) {
    const Fp_ = Field(P2);
    const tn = tonelliShanks(P2);
    const c1 = tn(Fp_, Fp_.neg(Fp_.ONE));
    const c2 = tn(Fp_, c1);
    const c3 = tn(Fp_, Fp_.neg(c1));
    const c4 = (P2 + _7n) / _16n;
    return (Fp4, n) => {
      let tv1 = Fp4.pow(n, c4);
      let tv2 = Fp4.mul(tv1, c1);
      const tv3 = Fp4.mul(tv1, c2);
      const tv4 = Fp4.mul(tv1, c3);
      const e1 = Fp4.eql(Fp4.sqr(tv2), n);
      const e2 = Fp4.eql(Fp4.sqr(tv3), n);
      tv1 = Fp4.cmov(tv1, tv2, e1);
      tv2 = Fp4.cmov(tv4, tv3, e2);
      const e3 = Fp4.eql(Fp4.sqr(tv2), n);
      const root = Fp4.cmov(tv1, tv2, e3);
      assertIsSquare(Fp4, root, n);
      return root;
    };
  }
  function tonelliShanks(P2) {
    if (P2 < _3n)
      throw new Error("sqrt is not defined for small field");
    let Q = P2 - _1n2;
    let S = 0;
    while (Q % _2n === _0n2) {
      Q /= _2n;
      S++;
    }
    let Z = _2n;
    const _Fp = Field(P2);
    while (FpLegendre(_Fp, Z) === 1) {
      if (Z++ > 1e3)
        throw new Error("Cannot find square root: probably non-prime P");
    }
    if (S === 1)
      return sqrt3mod4;
    let cc = _Fp.pow(Z, Q);
    const Q1div2 = (Q + _1n2) / _2n;
    return function tonelliSlow(Fp4, n) {
      if (Fp4.is0(n))
        return n;
      if (FpLegendre(Fp4, n) !== 1)
        throw new Error("Cannot find square root");
      let M = S;
      let c = Fp4.mul(Fp4.ONE, cc);
      let t = Fp4.pow(n, Q);
      let R2 = Fp4.pow(n, Q1div2);
      while (!Fp4.eql(t, Fp4.ONE)) {
        if (Fp4.is0(t))
          return Fp4.ZERO;
        let i = 1;
        let t_tmp = Fp4.sqr(t);
        while (!Fp4.eql(t_tmp, Fp4.ONE)) {
          i++;
          t_tmp = Fp4.sqr(t_tmp);
          if (i === M)
            throw new Error("Cannot find square root");
        }
        const exponent = _1n2 << BigInt(M - i - 1);
        const b = Fp4.pow(c, exponent);
        M = i;
        c = Fp4.sqr(b);
        t = Fp4.mul(t, c);
        R2 = Fp4.mul(R2, b);
      }
      return R2;
    };
  }
  function FpSqrt(P2) {
    if (P2 % _4n === _3n)
      return sqrt3mod4;
    if (P2 % _8n === _5n)
      return sqrt5mod8;
    if (P2 % _16n === _9n)
      return sqrt9mod16(P2);
    return tonelliShanks(P2);
  }
  var isNegativeLE = (num2, modulo) => (mod(num2, modulo) & _1n2) === _1n2;
  var FIELD_FIELDS = [
    "create",
    "isValid",
    "is0",
    "neg",
    "inv",
    "sqrt",
    "sqr",
    "eql",
    "add",
    "sub",
    "mul",
    "pow",
    "div",
    "addN",
    "subN",
    "mulN",
    "sqrN"
  ];
  function validateField(field) {
    const initial = {
      ORDER: "bigint",
      MASK: "bigint",
      BYTES: "number",
      BITS: "number"
    };
    const opts = FIELD_FIELDS.reduce((map2, val) => {
      map2[val] = "function";
      return map2;
    }, initial);
    _validateObject(field, opts);
    return field;
  }
  function FpPow(Fp4, num2, power) {
    if (power < _0n2)
      throw new Error("invalid exponent, negatives unsupported");
    if (power === _0n2)
      return Fp4.ONE;
    if (power === _1n2)
      return num2;
    let p = Fp4.ONE;
    let d = num2;
    while (power > _0n2) {
      if (power & _1n2)
        p = Fp4.mul(p, d);
      d = Fp4.sqr(d);
      power >>= _1n2;
    }
    return p;
  }
  function FpInvertBatch(Fp4, nums, passZero = false) {
    const inverted = new Array(nums.length).fill(passZero ? Fp4.ZERO : void 0);
    const multipliedAcc = nums.reduce((acc, num2, i) => {
      if (Fp4.is0(num2))
        return acc;
      inverted[i] = acc;
      return Fp4.mul(acc, num2);
    }, Fp4.ONE);
    const invertedAcc = Fp4.inv(multipliedAcc);
    nums.reduceRight((acc, num2, i) => {
      if (Fp4.is0(num2))
        return acc;
      inverted[i] = Fp4.mul(acc, inverted[i]);
      return Fp4.mul(acc, num2);
    }, invertedAcc);
    return inverted;
  }
  function FpLegendre(Fp4, n) {
    const p1mod2 = (Fp4.ORDER - _1n2) / _2n;
    const powered = Fp4.pow(n, p1mod2);
    const yes = Fp4.eql(powered, Fp4.ONE);
    const zero = Fp4.eql(powered, Fp4.ZERO);
    const no = Fp4.eql(powered, Fp4.neg(Fp4.ONE));
    if (!yes && !zero && !no)
      throw new Error("invalid Legendre symbol result");
    return yes ? 1 : zero ? 0 : -1;
  }
  function nLength(n, nBitLength) {
    if (nBitLength !== void 0)
      anumber(nBitLength);
    const _nBitLength = nBitLength !== void 0 ? nBitLength : n.toString(2).length;
    const nByteLength = Math.ceil(_nBitLength / 8);
    return { nBitLength: _nBitLength, nByteLength };
  }
  function Field(ORDER, bitLenOrOpts, isLE = false, opts = {}) {
    if (ORDER <= _0n2)
      throw new Error("invalid field: expected ORDER > 0, got " + ORDER);
    let _nbitLength = void 0;
    let _sqrt = void 0;
    let modFromBytes = false;
    let allowedLengths = void 0;
    if (typeof bitLenOrOpts === "object" && bitLenOrOpts != null) {
      if (opts.sqrt || isLE)
        throw new Error("cannot specify opts in two arguments");
      const _opts = bitLenOrOpts;
      if (_opts.BITS)
        _nbitLength = _opts.BITS;
      if (_opts.sqrt)
        _sqrt = _opts.sqrt;
      if (typeof _opts.isLE === "boolean")
        isLE = _opts.isLE;
      if (typeof _opts.modFromBytes === "boolean")
        modFromBytes = _opts.modFromBytes;
      allowedLengths = _opts.allowedLengths;
    } else {
      if (typeof bitLenOrOpts === "number")
        _nbitLength = bitLenOrOpts;
      if (opts.sqrt)
        _sqrt = opts.sqrt;
    }
    const { nBitLength: BITS2, nByteLength: BYTES } = nLength(ORDER, _nbitLength);
    if (BYTES > 2048)
      throw new Error("invalid field: expected ORDER of <= 2048 bytes");
    let sqrtP;
    const f = Object.freeze({
      ORDER,
      isLE,
      BITS: BITS2,
      BYTES,
      MASK: bitMask(BITS2),
      ZERO: _0n2,
      ONE: _1n2,
      allowedLengths,
      create: (num2) => mod(num2, ORDER),
      isValid: (num2) => {
        if (typeof num2 !== "bigint")
          throw new Error("invalid field element: expected bigint, got " + typeof num2);
        return _0n2 <= num2 && num2 < ORDER;
      },
      is0: (num2) => num2 === _0n2,
      // is valid and invertible
      isValidNot0: (num2) => !f.is0(num2) && f.isValid(num2),
      isOdd: (num2) => (num2 & _1n2) === _1n2,
      neg: (num2) => mod(-num2, ORDER),
      eql: (lhs, rhs) => lhs === rhs,
      sqr: (num2) => mod(num2 * num2, ORDER),
      add: (lhs, rhs) => mod(lhs + rhs, ORDER),
      sub: (lhs, rhs) => mod(lhs - rhs, ORDER),
      mul: (lhs, rhs) => mod(lhs * rhs, ORDER),
      pow: (num2, power) => FpPow(f, num2, power),
      div: (lhs, rhs) => mod(lhs * invert(rhs, ORDER), ORDER),
      // Same as above, but doesn't normalize
      sqrN: (num2) => num2 * num2,
      addN: (lhs, rhs) => lhs + rhs,
      subN: (lhs, rhs) => lhs - rhs,
      mulN: (lhs, rhs) => lhs * rhs,
      inv: (num2) => invert(num2, ORDER),
      sqrt: _sqrt || ((n) => {
        if (!sqrtP)
          sqrtP = FpSqrt(ORDER);
        return sqrtP(f, n);
      }),
      toBytes: (num2) => isLE ? numberToBytesLE(num2, BYTES) : numberToBytesBE(num2, BYTES),
      fromBytes: (bytes, skipValidation = true) => {
        if (allowedLengths) {
          if (!allowedLengths.includes(bytes.length) || bytes.length > BYTES) {
            throw new Error("Field.fromBytes: expected " + allowedLengths + " bytes, got " + bytes.length);
          }
          const padded = new Uint8Array(BYTES);
          padded.set(bytes, isLE ? 0 : padded.length - bytes.length);
          bytes = padded;
        }
        if (bytes.length !== BYTES)
          throw new Error("Field.fromBytes: expected " + BYTES + " bytes, got " + bytes.length);
        let scalar = isLE ? bytesToNumberLE(bytes) : bytesToNumberBE(bytes);
        if (modFromBytes)
          scalar = mod(scalar, ORDER);
        if (!skipValidation) {
          if (!f.isValid(scalar))
            throw new Error("invalid field element: outside of range 0..ORDER");
        }
        return scalar;
      },
      // TODO: we don't need it here, move out to separate fn
      invertBatch: (lst) => FpInvertBatch(f, lst),
      // We can't move this out because Fp6, Fp12 implement it
      // and it's unclear what to return in there.
      cmov: (a, b, c) => c ? b : a
    });
    return Object.freeze(f);
  }
  function getFieldBytesLength(fieldOrder) {
    if (typeof fieldOrder !== "bigint")
      throw new Error("field order must be bigint");
    const bitLength = fieldOrder.toString(2).length;
    return Math.ceil(bitLength / 8);
  }
  function getMinHashLength(fieldOrder) {
    const length = getFieldBytesLength(fieldOrder);
    return length + Math.ceil(length / 2);
  }
  function mapHashToField(key, fieldOrder, isLE = false) {
    const len = key.length;
    const fieldLen = getFieldBytesLength(fieldOrder);
    const minLen = getMinHashLength(fieldOrder);
    if (len < 16 || len < minLen || len > 1024)
      throw new Error("expected " + minLen + "-1024 bytes of input, got " + len);
    const num2 = isLE ? bytesToNumberLE(key) : bytesToNumberBE(key);
    const reduced = mod(num2, fieldOrder - _1n2) + _1n2;
    return isLE ? numberToBytesLE(reduced, fieldLen) : numberToBytesBE(reduced, fieldLen);
  }

  // node_modules/@noble/curves/esm/abstract/curve.js
  var _0n3 = BigInt(0);
  var _1n3 = BigInt(1);
  function negateCt(condition, item) {
    const neg = item.negate();
    return condition ? neg : item;
  }
  function normalizeZ(c, points) {
    const invertedZs = FpInvertBatch(c.Fp, points.map((p) => p.Z));
    return points.map((p, i) => c.fromAffine(p.toAffine(invertedZs[i])));
  }
  function validateW(W, bits) {
    if (!Number.isSafeInteger(W) || W <= 0 || W > bits)
      throw new Error("invalid window size, expected [1.." + bits + "], got W=" + W);
  }
  function calcWOpts(W, scalarBits) {
    validateW(W, scalarBits);
    const windows = Math.ceil(scalarBits / W) + 1;
    const windowSize = 2 ** (W - 1);
    const maxNumber = 2 ** W;
    const mask = bitMask(W);
    const shiftBy = BigInt(W);
    return { windows, windowSize, mask, maxNumber, shiftBy };
  }
  function calcOffsets(n, window, wOpts) {
    const { windowSize, mask, maxNumber, shiftBy } = wOpts;
    let wbits = Number(n & mask);
    let nextN = n >> shiftBy;
    if (wbits > windowSize) {
      wbits -= maxNumber;
      nextN += _1n3;
    }
    const offsetStart = window * windowSize;
    const offset = offsetStart + Math.abs(wbits) - 1;
    const isZero = wbits === 0;
    const isNeg = wbits < 0;
    const isNegF = window % 2 !== 0;
    const offsetF = offsetStart;
    return { nextN, offset, isZero, isNeg, isNegF, offsetF };
  }
  function validateMSMPoints(points, c) {
    if (!Array.isArray(points))
      throw new Error("array expected");
    points.forEach((p, i) => {
      if (!(p instanceof c))
        throw new Error("invalid point at index " + i);
    });
  }
  function validateMSMScalars(scalars, field) {
    if (!Array.isArray(scalars))
      throw new Error("array of scalars expected");
    scalars.forEach((s, i) => {
      if (!field.isValid(s))
        throw new Error("invalid scalar at index " + i);
    });
  }
  var pointPrecomputes = /* @__PURE__ */ new WeakMap();
  var pointWindowSizes = /* @__PURE__ */ new WeakMap();
  function getW(P2) {
    return pointWindowSizes.get(P2) || 1;
  }
  function assert0(n) {
    if (n !== _0n3)
      throw new Error("invalid wNAF");
  }
  var wNAF = class {
    // Parametrized with a given Point class (not individual point)
    constructor(Point, bits) {
      this.BASE = Point.BASE;
      this.ZERO = Point.ZERO;
      this.Fn = Point.Fn;
      this.bits = bits;
    }
    // non-const time multiplication ladder
    _unsafeLadder(elm, n, p = this.ZERO) {
      let d = elm;
      while (n > _0n3) {
        if (n & _1n3)
          p = p.add(d);
        d = d.double();
        n >>= _1n3;
      }
      return p;
    }
    /**
     * Creates a wNAF precomputation window. Used for caching.
     * Default window size is set by `utils.precompute()` and is equal to 8.
     * Number of precomputed points depends on the curve size:
     * 2^(𝑊−1) * (Math.ceil(𝑛 / 𝑊) + 1), where:
     * - 𝑊 is the window size
     * - 𝑛 is the bitlength of the curve order.
     * For a 256-bit curve and window size 8, the number of precomputed points is 128 * 33 = 4224.
     * @param point Point instance
     * @param W window size
     * @returns precomputed point tables flattened to a single array
     */
    precomputeWindow(point, W) {
      const { windows, windowSize } = calcWOpts(W, this.bits);
      const points = [];
      let p = point;
      let base = p;
      for (let window = 0; window < windows; window++) {
        base = p;
        points.push(base);
        for (let i = 1; i < windowSize; i++) {
          base = base.add(p);
          points.push(base);
        }
        p = base.double();
      }
      return points;
    }
    /**
     * Implements ec multiplication using precomputed tables and w-ary non-adjacent form.
     * More compact implementation:
     * https://github.com/paulmillr/noble-secp256k1/blob/47cb1669b6e506ad66b35fe7d76132ae97465da2/index.ts#L502-L541
     * @returns real and fake (for const-time) points
     */
    wNAF(W, precomputes, n) {
      if (!this.Fn.isValid(n))
        throw new Error("invalid scalar");
      let p = this.ZERO;
      let f = this.BASE;
      const wo = calcWOpts(W, this.bits);
      for (let window = 0; window < wo.windows; window++) {
        const { nextN, offset, isZero, isNeg, isNegF, offsetF } = calcOffsets(n, window, wo);
        n = nextN;
        if (isZero) {
          f = f.add(negateCt(isNegF, precomputes[offsetF]));
        } else {
          p = p.add(negateCt(isNeg, precomputes[offset]));
        }
      }
      assert0(n);
      return { p, f };
    }
    /**
     * Implements ec unsafe (non const-time) multiplication using precomputed tables and w-ary non-adjacent form.
     * @param acc accumulator point to add result of multiplication
     * @returns point
     */
    wNAFUnsafe(W, precomputes, n, acc = this.ZERO) {
      const wo = calcWOpts(W, this.bits);
      for (let window = 0; window < wo.windows; window++) {
        if (n === _0n3)
          break;
        const { nextN, offset, isZero, isNeg } = calcOffsets(n, window, wo);
        n = nextN;
        if (isZero) {
          continue;
        } else {
          const item = precomputes[offset];
          acc = acc.add(isNeg ? item.negate() : item);
        }
      }
      assert0(n);
      return acc;
    }
    getPrecomputes(W, point, transform) {
      let comp = pointPrecomputes.get(point);
      if (!comp) {
        comp = this.precomputeWindow(point, W);
        if (W !== 1) {
          if (typeof transform === "function")
            comp = transform(comp);
          pointPrecomputes.set(point, comp);
        }
      }
      return comp;
    }
    cached(point, scalar, transform) {
      const W = getW(point);
      return this.wNAF(W, this.getPrecomputes(W, point, transform), scalar);
    }
    unsafe(point, scalar, transform, prev) {
      const W = getW(point);
      if (W === 1)
        return this._unsafeLadder(point, scalar, prev);
      return this.wNAFUnsafe(W, this.getPrecomputes(W, point, transform), scalar, prev);
    }
    // We calculate precomputes for elliptic curve point multiplication
    // using windowed method. This specifies window size and
    // stores precomputed values. Usually only base point would be precomputed.
    createCache(P2, W) {
      validateW(W, this.bits);
      pointWindowSizes.set(P2, W);
      pointPrecomputes.delete(P2);
    }
    hasCache(elm) {
      return getW(elm) !== 1;
    }
  };
  function mulEndoUnsafe(Point, point, k1, k2) {
    let acc = point;
    let p1 = Point.ZERO;
    let p2 = Point.ZERO;
    while (k1 > _0n3 || k2 > _0n3) {
      if (k1 & _1n3)
        p1 = p1.add(acc);
      if (k2 & _1n3)
        p2 = p2.add(acc);
      acc = acc.double();
      k1 >>= _1n3;
      k2 >>= _1n3;
    }
    return { p1, p2 };
  }
  function pippenger(c, fieldN, points, scalars) {
    validateMSMPoints(points, c);
    validateMSMScalars(scalars, fieldN);
    const plength = points.length;
    const slength = scalars.length;
    if (plength !== slength)
      throw new Error("arrays of points and scalars must have equal length");
    const zero = c.ZERO;
    const wbits = bitLen(BigInt(plength));
    let windowSize = 1;
    if (wbits > 12)
      windowSize = wbits - 3;
    else if (wbits > 4)
      windowSize = wbits - 2;
    else if (wbits > 0)
      windowSize = 2;
    const MASK = bitMask(windowSize);
    const buckets = new Array(Number(MASK) + 1).fill(zero);
    const lastBits = Math.floor((fieldN.BITS - 1) / windowSize) * windowSize;
    let sum = zero;
    for (let i = lastBits; i >= 0; i -= windowSize) {
      buckets.fill(zero);
      for (let j = 0; j < slength; j++) {
        const scalar = scalars[j];
        const wbits2 = Number(scalar >> BigInt(i) & MASK);
        buckets[wbits2] = buckets[wbits2].add(points[j]);
      }
      let resI = zero;
      for (let j = buckets.length - 1, sumI = zero; j > 0; j--) {
        sumI = sumI.add(buckets[j]);
        resI = resI.add(sumI);
      }
      sum = sum.add(resI);
      if (i !== 0)
        for (let j = 0; j < windowSize; j++)
          sum = sum.double();
    }
    return sum;
  }
  function createField(order, field, isLE) {
    if (field) {
      if (field.ORDER !== order)
        throw new Error("Field.ORDER must match order: Fp == p, Fn == n");
      validateField(field);
      return field;
    } else {
      return Field(order, { isLE });
    }
  }
  function _createCurveFields(type, CURVE, curveOpts = {}, FpFnLE) {
    if (FpFnLE === void 0)
      FpFnLE = type === "edwards";
    if (!CURVE || typeof CURVE !== "object")
      throw new Error(`expected valid ${type} CURVE object`);
    for (const p of ["p", "n", "h"]) {
      const val = CURVE[p];
      if (!(typeof val === "bigint" && val > _0n3))
        throw new Error(`CURVE.${p} must be positive bigint`);
    }
    const Fp4 = createField(CURVE.p, curveOpts.Fp, FpFnLE);
    const Fn2 = createField(CURVE.n, curveOpts.Fn, FpFnLE);
    const _b = type === "weierstrass" ? "b" : "d";
    const params = ["Gx", "Gy", "a", _b];
    for (const p of params) {
      if (!Fp4.isValid(CURVE[p]))
        throw new Error(`CURVE.${p} must be valid field element of CURVE.Fp`);
    }
    CURVE = Object.freeze(Object.assign({}, CURVE));
    return { CURVE, Fp: Fp4, Fn: Fn2 };
  }

  // node_modules/@noble/curves/esm/abstract/hash-to-curve.js
  var os2ip = bytesToNumberBE;
  function i2osp(value, length) {
    anum(value);
    anum(length);
    if (value < 0 || value >= 1 << 8 * length)
      throw new Error("invalid I2OSP input: " + value);
    const res = Array.from({ length }).fill(0);
    for (let i = length - 1; i >= 0; i--) {
      res[i] = value & 255;
      value >>>= 8;
    }
    return new Uint8Array(res);
  }
  function strxor(a, b) {
    const arr = new Uint8Array(a.length);
    for (let i = 0; i < a.length; i++) {
      arr[i] = a[i] ^ b[i];
    }
    return arr;
  }
  function anum(item) {
    if (!Number.isSafeInteger(item))
      throw new Error("number expected");
  }
  function normDST(DST2) {
    if (!isBytes(DST2) && typeof DST2 !== "string")
      throw new Error("DST must be Uint8Array or string");
    return typeof DST2 === "string" ? utf8ToBytes(DST2) : DST2;
  }
  function expand_message_xmd(msg, DST2, lenInBytes, H) {
    abytes(msg);
    anum(lenInBytes);
    DST2 = normDST(DST2);
    if (DST2.length > 255)
      DST2 = H(concatBytes(utf8ToBytes("H2C-OVERSIZE-DST-"), DST2));
    const { outputLen: b_in_bytes, blockLen: r_in_bytes } = H;
    const ell = Math.ceil(lenInBytes / b_in_bytes);
    if (lenInBytes > 65535 || ell > 255)
      throw new Error("expand_message_xmd: invalid lenInBytes");
    const DST_prime = concatBytes(DST2, i2osp(DST2.length, 1));
    const Z_pad = i2osp(0, r_in_bytes);
    const l_i_b_str = i2osp(lenInBytes, 2);
    const b = new Array(ell);
    const b_0 = H(concatBytes(Z_pad, msg, l_i_b_str, i2osp(0, 1), DST_prime));
    b[0] = H(concatBytes(b_0, i2osp(1, 1), DST_prime));
    for (let i = 1; i <= ell; i++) {
      const args = [strxor(b_0, b[i - 1]), i2osp(i + 1, 1), DST_prime];
      b[i] = H(concatBytes(...args));
    }
    const pseudo_random_bytes = concatBytes(...b);
    return pseudo_random_bytes.slice(0, lenInBytes);
  }
  function expand_message_xof(msg, DST2, lenInBytes, k, H) {
    abytes(msg);
    anum(lenInBytes);
    DST2 = normDST(DST2);
    if (DST2.length > 255) {
      const dkLen = Math.ceil(2 * k / 8);
      DST2 = H.create({ dkLen }).update(utf8ToBytes("H2C-OVERSIZE-DST-")).update(DST2).digest();
    }
    if (lenInBytes > 65535 || DST2.length > 255)
      throw new Error("expand_message_xof: invalid lenInBytes");
    return H.create({ dkLen: lenInBytes }).update(msg).update(i2osp(lenInBytes, 2)).update(DST2).update(i2osp(DST2.length, 1)).digest();
  }
  function hash_to_field(msg, count2, options) {
    _validateObject(options, {
      p: "bigint",
      m: "number",
      k: "number",
      hash: "function"
    });
    const { p, k, m, hash, expand, DST: DST2 } = options;
    if (!isHash(options.hash))
      throw new Error("expected valid hash");
    abytes(msg);
    anum(count2);
    const log2p = p.toString(2).length;
    const L = Math.ceil((log2p + k) / 8);
    const len_in_bytes = count2 * m * L;
    let prb;
    if (expand === "xmd") {
      prb = expand_message_xmd(msg, DST2, len_in_bytes, hash);
    } else if (expand === "xof") {
      prb = expand_message_xof(msg, DST2, len_in_bytes, k, hash);
    } else if (expand === "_internal_pass") {
      prb = msg;
    } else {
      throw new Error('expand must be "xmd" or "xof"');
    }
    const u = new Array(count2);
    for (let i = 0; i < count2; i++) {
      const e = new Array(m);
      for (let j = 0; j < m; j++) {
        const elm_offset = L * (j + i * m);
        const tv = prb.subarray(elm_offset, elm_offset + L);
        e[j] = mod(os2ip(tv), p);
      }
      u[i] = e;
    }
    return u;
  }
  function isogenyMap(field, map2) {
    const coeff = map2.map((i) => Array.from(i).reverse());
    return (x, y) => {
      const [xn, xd, yn, yd] = coeff.map((val) => val.reduce((acc, i) => field.add(field.mul(acc, x), i)));
      const [xd_inv, yd_inv] = FpInvertBatch(field, [xd, yd], true);
      x = field.mul(xn, xd_inv);
      y = field.mul(y, field.mul(yn, yd_inv));
      return { x, y };
    };
  }
  var _DST_scalar = utf8ToBytes("HashToScalar-");
  function createHasher2(Point, mapToCurve, defaults) {
    if (typeof mapToCurve !== "function")
      throw new Error("mapToCurve() must be defined");
    function map2(num2) {
      return Point.fromAffine(mapToCurve(num2));
    }
    function clear(initial) {
      const P2 = initial.clearCofactor();
      if (P2.equals(Point.ZERO))
        return Point.ZERO;
      P2.assertValidity();
      return P2;
    }
    return {
      defaults,
      hashToCurve(msg, options) {
        const opts = Object.assign({}, defaults, options);
        const u = hash_to_field(msg, 2, opts);
        const u0 = map2(u[0]);
        const u1 = map2(u[1]);
        return clear(u0.add(u1));
      },
      encodeToCurve(msg, options) {
        const optsDst = defaults.encodeDST ? { DST: defaults.encodeDST } : {};
        const opts = Object.assign({}, defaults, optsDst, options);
        const u = hash_to_field(msg, 1, opts);
        const u0 = map2(u[0]);
        return clear(u0);
      },
      /** See {@link H2CHasher} */
      mapToCurve(scalars) {
        if (!Array.isArray(scalars))
          throw new Error("expected array of bigints");
        for (const i of scalars)
          if (typeof i !== "bigint")
            throw new Error("expected array of bigints");
        return clear(map2(scalars));
      },
      // hash_to_scalar can produce 0: https://www.rfc-editor.org/errata/eid8393
      // RFC 9380, draft-irtf-cfrg-bbs-signatures-08
      hashToScalar(msg, options) {
        const N = Point.Fn.ORDER;
        const opts = Object.assign({}, defaults, { p: N, m: 1, DST: _DST_scalar }, options);
        return hash_to_field(msg, 1, opts)[0][0];
      }
    };
  }

  // node_modules/@noble/curves/esm/abstract/weierstrass.js
  var divNearest = (num2, den) => (num2 + (num2 >= 0 ? den : -den) / _2n2) / den;
  function _splitEndoScalar(k, basis, n) {
    const [[a1, b1], [a2, b2]] = basis;
    const c1 = divNearest(b2 * k, n);
    const c2 = divNearest(-b1 * k, n);
    let k1 = k - c1 * a1 - c2 * a2;
    let k2 = -c1 * b1 - c2 * b2;
    const k1neg = k1 < _0n4;
    const k2neg = k2 < _0n4;
    if (k1neg)
      k1 = -k1;
    if (k2neg)
      k2 = -k2;
    const MAX_NUM = bitMask(Math.ceil(bitLen(n) / 2)) + _1n4;
    if (k1 < _0n4 || k1 >= MAX_NUM || k2 < _0n4 || k2 >= MAX_NUM) {
      throw new Error("splitScalar (endomorphism): failed, k=" + k);
    }
    return { k1neg, k1, k2neg, k2 };
  }
  var _0n4 = BigInt(0);
  var _1n4 = BigInt(1);
  var _2n2 = BigInt(2);
  var _3n2 = BigInt(3);
  var _4n2 = BigInt(4);
  function _normFnElement(Fn2, key) {
    const { BYTES: expected } = Fn2;
    let num2;
    if (typeof key === "bigint") {
      num2 = key;
    } else {
      let bytes = ensureBytes("private key", key);
      try {
        num2 = Fn2.fromBytes(bytes);
      } catch (error) {
        throw new Error(`invalid private key: expected ui8a of size ${expected}, got ${typeof key}`);
      }
    }
    if (!Fn2.isValidNot0(num2))
      throw new Error("invalid private key: out of range [1..N-1]");
    return num2;
  }
  function weierstrassN(params, extraOpts = {}) {
    const validated = _createCurveFields("weierstrass", params, extraOpts);
    const { Fp: Fp4, Fn: Fn2 } = validated;
    let CURVE = validated.CURVE;
    const { h: cofactor, n: CURVE_ORDER } = CURVE;
    _validateObject(extraOpts, {}, {
      allowInfinityPoint: "boolean",
      clearCofactor: "function",
      isTorsionFree: "function",
      fromBytes: "function",
      toBytes: "function",
      endo: "object",
      wrapPrivateKey: "boolean"
    });
    const { endo } = extraOpts;
    if (endo) {
      if (!Fp4.is0(CURVE.a) || typeof endo.beta !== "bigint" || !Array.isArray(endo.basises)) {
        throw new Error('invalid endo: expected "beta": bigint and "basises": array');
      }
    }
    const lengths = getWLengths(Fp4, Fn2);
    function assertCompressionIsSupported() {
      if (!Fp4.isOdd)
        throw new Error("compression is not supported: Field does not have .isOdd()");
    }
    function pointToBytes(_c, point, isCompressed) {
      const { x, y } = point.toAffine();
      const bx = Fp4.toBytes(x);
      _abool2(isCompressed, "isCompressed");
      if (isCompressed) {
        assertCompressionIsSupported();
        const hasEvenY = !Fp4.isOdd(y);
        return concatBytes(pprefix(hasEvenY), bx);
      } else {
        return concatBytes(Uint8Array.of(4), bx, Fp4.toBytes(y));
      }
    }
    function pointFromBytes(bytes) {
      _abytes2(bytes, void 0, "Point");
      const { publicKey: comp, publicKeyUncompressed: uncomp } = lengths;
      const length = bytes.length;
      const head = bytes[0];
      const tail = bytes.subarray(1);
      if (length === comp && (head === 2 || head === 3)) {
        const x = Fp4.fromBytes(tail);
        if (!Fp4.isValid(x))
          throw new Error("bad point: is not on curve, wrong x");
        const y2 = weierstrassEquation(x);
        let y;
        try {
          y = Fp4.sqrt(y2);
        } catch (sqrtError) {
          const err = sqrtError instanceof Error ? ": " + sqrtError.message : "";
          throw new Error("bad point: is not on curve, sqrt error" + err);
        }
        assertCompressionIsSupported();
        const isYOdd = Fp4.isOdd(y);
        const isHeadOdd = (head & 1) === 1;
        if (isHeadOdd !== isYOdd)
          y = Fp4.neg(y);
        return { x, y };
      } else if (length === uncomp && head === 4) {
        const L = Fp4.BYTES;
        const x = Fp4.fromBytes(tail.subarray(0, L));
        const y = Fp4.fromBytes(tail.subarray(L, L * 2));
        if (!isValidXY(x, y))
          throw new Error("bad point: is not on curve");
        return { x, y };
      } else {
        throw new Error(`bad point: got length ${length}, expected compressed=${comp} or uncompressed=${uncomp}`);
      }
    }
    const encodePoint = extraOpts.toBytes || pointToBytes;
    const decodePoint = extraOpts.fromBytes || pointFromBytes;
    function weierstrassEquation(x) {
      const x2 = Fp4.sqr(x);
      const x3 = Fp4.mul(x2, x);
      return Fp4.add(Fp4.add(x3, Fp4.mul(x, CURVE.a)), CURVE.b);
    }
    function isValidXY(x, y) {
      const left = Fp4.sqr(y);
      const right = weierstrassEquation(x);
      return Fp4.eql(left, right);
    }
    if (!isValidXY(CURVE.Gx, CURVE.Gy))
      throw new Error("bad curve params: generator point");
    const _4a3 = Fp4.mul(Fp4.pow(CURVE.a, _3n2), _4n2);
    const _27b2 = Fp4.mul(Fp4.sqr(CURVE.b), BigInt(27));
    if (Fp4.is0(Fp4.add(_4a3, _27b2)))
      throw new Error("bad curve params: a or b");
    function acoord(title, n, banZero = false) {
      if (!Fp4.isValid(n) || banZero && Fp4.is0(n))
        throw new Error(`bad point coordinate ${title}`);
      return n;
    }
    function aprjpoint(other) {
      if (!(other instanceof Point))
        throw new Error("ProjectivePoint expected");
    }
    function splitEndoScalarN(k) {
      if (!endo || !endo.basises)
        throw new Error("no endo");
      return _splitEndoScalar(k, endo.basises, Fn2.ORDER);
    }
    const toAffineMemo = memoized((p, iz) => {
      const { X, Y, Z } = p;
      if (Fp4.eql(Z, Fp4.ONE))
        return { x: X, y: Y };
      const is0 = p.is0();
      if (iz == null)
        iz = is0 ? Fp4.ONE : Fp4.inv(Z);
      const x = Fp4.mul(X, iz);
      const y = Fp4.mul(Y, iz);
      const zz = Fp4.mul(Z, iz);
      if (is0)
        return { x: Fp4.ZERO, y: Fp4.ZERO };
      if (!Fp4.eql(zz, Fp4.ONE))
        throw new Error("invZ was invalid");
      return { x, y };
    });
    const assertValidMemo = memoized((p) => {
      if (p.is0()) {
        if (extraOpts.allowInfinityPoint && !Fp4.is0(p.Y))
          return;
        throw new Error("bad point: ZERO");
      }
      const { x, y } = p.toAffine();
      if (!Fp4.isValid(x) || !Fp4.isValid(y))
        throw new Error("bad point: x or y not field elements");
      if (!isValidXY(x, y))
        throw new Error("bad point: equation left != right");
      if (!p.isTorsionFree())
        throw new Error("bad point: not in prime-order subgroup");
      return true;
    });
    function finishEndo(endoBeta, k1p, k2p, k1neg, k2neg) {
      k2p = new Point(Fp4.mul(k2p.X, endoBeta), k2p.Y, k2p.Z);
      k1p = negateCt(k1neg, k1p);
      k2p = negateCt(k2neg, k2p);
      return k1p.add(k2p);
    }
    class Point {
      /** Does NOT validate if the point is valid. Use `.assertValidity()`. */
      constructor(X, Y, Z) {
        this.X = acoord("x", X);
        this.Y = acoord("y", Y, true);
        this.Z = acoord("z", Z);
        Object.freeze(this);
      }
      static CURVE() {
        return CURVE;
      }
      /** Does NOT validate if the point is valid. Use `.assertValidity()`. */
      static fromAffine(p) {
        const { x, y } = p || {};
        if (!p || !Fp4.isValid(x) || !Fp4.isValid(y))
          throw new Error("invalid affine point");
        if (p instanceof Point)
          throw new Error("projective point not allowed");
        if (Fp4.is0(x) && Fp4.is0(y))
          return Point.ZERO;
        return new Point(x, y, Fp4.ONE);
      }
      static fromBytes(bytes) {
        const P2 = Point.fromAffine(decodePoint(_abytes2(bytes, void 0, "point")));
        P2.assertValidity();
        return P2;
      }
      static fromHex(hex2) {
        return Point.fromBytes(ensureBytes("pointHex", hex2));
      }
      get x() {
        return this.toAffine().x;
      }
      get y() {
        return this.toAffine().y;
      }
      /**
       *
       * @param windowSize
       * @param isLazy true will defer table computation until the first multiplication
       * @returns
       */
      precompute(windowSize = 8, isLazy = true) {
        wnaf.createCache(this, windowSize);
        if (!isLazy)
          this.multiply(_3n2);
        return this;
      }
      // TODO: return `this`
      /** A point on curve is valid if it conforms to equation. */
      assertValidity() {
        assertValidMemo(this);
      }
      hasEvenY() {
        const { y } = this.toAffine();
        if (!Fp4.isOdd)
          throw new Error("Field doesn't support isOdd");
        return !Fp4.isOdd(y);
      }
      /** Compare one point to another. */
      equals(other) {
        aprjpoint(other);
        const { X: X1, Y: Y1, Z: Z1 } = this;
        const { X: X2, Y: Y2, Z: Z2 } = other;
        const U1 = Fp4.eql(Fp4.mul(X1, Z2), Fp4.mul(X2, Z1));
        const U2 = Fp4.eql(Fp4.mul(Y1, Z2), Fp4.mul(Y2, Z1));
        return U1 && U2;
      }
      /** Flips point to one corresponding to (x, -y) in Affine coordinates. */
      negate() {
        return new Point(this.X, Fp4.neg(this.Y), this.Z);
      }
      // Renes-Costello-Batina exception-free doubling formula.
      // There is 30% faster Jacobian formula, but it is not complete.
      // https://eprint.iacr.org/2015/1060, algorithm 3
      // Cost: 8M + 3S + 3*a + 2*b3 + 15add.
      double() {
        const { a, b } = CURVE;
        const b3 = Fp4.mul(b, _3n2);
        const { X: X1, Y: Y1, Z: Z1 } = this;
        let X3 = Fp4.ZERO, Y3 = Fp4.ZERO, Z3 = Fp4.ZERO;
        let t0 = Fp4.mul(X1, X1);
        let t1 = Fp4.mul(Y1, Y1);
        let t2 = Fp4.mul(Z1, Z1);
        let t3 = Fp4.mul(X1, Y1);
        t3 = Fp4.add(t3, t3);
        Z3 = Fp4.mul(X1, Z1);
        Z3 = Fp4.add(Z3, Z3);
        X3 = Fp4.mul(a, Z3);
        Y3 = Fp4.mul(b3, t2);
        Y3 = Fp4.add(X3, Y3);
        X3 = Fp4.sub(t1, Y3);
        Y3 = Fp4.add(t1, Y3);
        Y3 = Fp4.mul(X3, Y3);
        X3 = Fp4.mul(t3, X3);
        Z3 = Fp4.mul(b3, Z3);
        t2 = Fp4.mul(a, t2);
        t3 = Fp4.sub(t0, t2);
        t3 = Fp4.mul(a, t3);
        t3 = Fp4.add(t3, Z3);
        Z3 = Fp4.add(t0, t0);
        t0 = Fp4.add(Z3, t0);
        t0 = Fp4.add(t0, t2);
        t0 = Fp4.mul(t0, t3);
        Y3 = Fp4.add(Y3, t0);
        t2 = Fp4.mul(Y1, Z1);
        t2 = Fp4.add(t2, t2);
        t0 = Fp4.mul(t2, t3);
        X3 = Fp4.sub(X3, t0);
        Z3 = Fp4.mul(t2, t1);
        Z3 = Fp4.add(Z3, Z3);
        Z3 = Fp4.add(Z3, Z3);
        return new Point(X3, Y3, Z3);
      }
      // Renes-Costello-Batina exception-free addition formula.
      // There is 30% faster Jacobian formula, but it is not complete.
      // https://eprint.iacr.org/2015/1060, algorithm 1
      // Cost: 12M + 0S + 3*a + 3*b3 + 23add.
      add(other) {
        aprjpoint(other);
        const { X: X1, Y: Y1, Z: Z1 } = this;
        const { X: X2, Y: Y2, Z: Z2 } = other;
        let X3 = Fp4.ZERO, Y3 = Fp4.ZERO, Z3 = Fp4.ZERO;
        const a = CURVE.a;
        const b3 = Fp4.mul(CURVE.b, _3n2);
        let t0 = Fp4.mul(X1, X2);
        let t1 = Fp4.mul(Y1, Y2);
        let t2 = Fp4.mul(Z1, Z2);
        let t3 = Fp4.add(X1, Y1);
        let t4 = Fp4.add(X2, Y2);
        t3 = Fp4.mul(t3, t4);
        t4 = Fp4.add(t0, t1);
        t3 = Fp4.sub(t3, t4);
        t4 = Fp4.add(X1, Z1);
        let t5 = Fp4.add(X2, Z2);
        t4 = Fp4.mul(t4, t5);
        t5 = Fp4.add(t0, t2);
        t4 = Fp4.sub(t4, t5);
        t5 = Fp4.add(Y1, Z1);
        X3 = Fp4.add(Y2, Z2);
        t5 = Fp4.mul(t5, X3);
        X3 = Fp4.add(t1, t2);
        t5 = Fp4.sub(t5, X3);
        Z3 = Fp4.mul(a, t4);
        X3 = Fp4.mul(b3, t2);
        Z3 = Fp4.add(X3, Z3);
        X3 = Fp4.sub(t1, Z3);
        Z3 = Fp4.add(t1, Z3);
        Y3 = Fp4.mul(X3, Z3);
        t1 = Fp4.add(t0, t0);
        t1 = Fp4.add(t1, t0);
        t2 = Fp4.mul(a, t2);
        t4 = Fp4.mul(b3, t4);
        t1 = Fp4.add(t1, t2);
        t2 = Fp4.sub(t0, t2);
        t2 = Fp4.mul(a, t2);
        t4 = Fp4.add(t4, t2);
        t0 = Fp4.mul(t1, t4);
        Y3 = Fp4.add(Y3, t0);
        t0 = Fp4.mul(t5, t4);
        X3 = Fp4.mul(t3, X3);
        X3 = Fp4.sub(X3, t0);
        t0 = Fp4.mul(t3, t1);
        Z3 = Fp4.mul(t5, Z3);
        Z3 = Fp4.add(Z3, t0);
        return new Point(X3, Y3, Z3);
      }
      subtract(other) {
        return this.add(other.negate());
      }
      is0() {
        return this.equals(Point.ZERO);
      }
      /**
       * Constant time multiplication.
       * Uses wNAF method. Windowed method may be 10% faster,
       * but takes 2x longer to generate and consumes 2x memory.
       * Uses precomputes when available.
       * Uses endomorphism for Koblitz curves.
       * @param scalar by which the point would be multiplied
       * @returns New point
       */
      multiply(scalar) {
        const { endo: endo2 } = extraOpts;
        if (!Fn2.isValidNot0(scalar))
          throw new Error("invalid scalar: out of range");
        let point, fake;
        const mul2 = (n) => wnaf.cached(this, n, (p) => normalizeZ(Point, p));
        if (endo2) {
          const { k1neg, k1, k2neg, k2 } = splitEndoScalarN(scalar);
          const { p: k1p, f: k1f } = mul2(k1);
          const { p: k2p, f: k2f } = mul2(k2);
          fake = k1f.add(k2f);
          point = finishEndo(endo2.beta, k1p, k2p, k1neg, k2neg);
        } else {
          const { p, f } = mul2(scalar);
          point = p;
          fake = f;
        }
        return normalizeZ(Point, [point, fake])[0];
      }
      /**
       * Non-constant-time multiplication. Uses double-and-add algorithm.
       * It's faster, but should only be used when you don't care about
       * an exposed secret key e.g. sig verification, which works over *public* keys.
       */
      multiplyUnsafe(sc) {
        const { endo: endo2 } = extraOpts;
        const p = this;
        if (!Fn2.isValid(sc))
          throw new Error("invalid scalar: out of range");
        if (sc === _0n4 || p.is0())
          return Point.ZERO;
        if (sc === _1n4)
          return p;
        if (wnaf.hasCache(this))
          return this.multiply(sc);
        if (endo2) {
          const { k1neg, k1, k2neg, k2 } = splitEndoScalarN(sc);
          const { p1, p2 } = mulEndoUnsafe(Point, p, k1, k2);
          return finishEndo(endo2.beta, p1, p2, k1neg, k2neg);
        } else {
          return wnaf.unsafe(p, sc);
        }
      }
      multiplyAndAddUnsafe(Q, a, b) {
        const sum = this.multiplyUnsafe(a).add(Q.multiplyUnsafe(b));
        return sum.is0() ? void 0 : sum;
      }
      /**
       * Converts Projective point to affine (x, y) coordinates.
       * @param invertedZ Z^-1 (inverted zero) - optional, precomputation is useful for invertBatch
       */
      toAffine(invertedZ) {
        return toAffineMemo(this, invertedZ);
      }
      /**
       * Checks whether Point is free of torsion elements (is in prime subgroup).
       * Always torsion-free for cofactor=1 curves.
       */
      isTorsionFree() {
        const { isTorsionFree } = extraOpts;
        if (cofactor === _1n4)
          return true;
        if (isTorsionFree)
          return isTorsionFree(Point, this);
        return wnaf.unsafe(this, CURVE_ORDER).is0();
      }
      clearCofactor() {
        const { clearCofactor } = extraOpts;
        if (cofactor === _1n4)
          return this;
        if (clearCofactor)
          return clearCofactor(Point, this);
        return this.multiplyUnsafe(cofactor);
      }
      isSmallOrder() {
        return this.multiplyUnsafe(cofactor).is0();
      }
      toBytes(isCompressed = true) {
        _abool2(isCompressed, "isCompressed");
        this.assertValidity();
        return encodePoint(Point, this, isCompressed);
      }
      toHex(isCompressed = true) {
        return bytesToHex(this.toBytes(isCompressed));
      }
      toString() {
        return `<Point ${this.is0() ? "ZERO" : this.toHex()}>`;
      }
      // TODO: remove
      get px() {
        return this.X;
      }
      get py() {
        return this.X;
      }
      get pz() {
        return this.Z;
      }
      toRawBytes(isCompressed = true) {
        return this.toBytes(isCompressed);
      }
      _setWindowSize(windowSize) {
        this.precompute(windowSize);
      }
      static normalizeZ(points) {
        return normalizeZ(Point, points);
      }
      static msm(points, scalars) {
        return pippenger(Point, Fn2, points, scalars);
      }
      static fromPrivateKey(privateKey) {
        return Point.BASE.multiply(_normFnElement(Fn2, privateKey));
      }
    }
    Point.BASE = new Point(CURVE.Gx, CURVE.Gy, Fp4.ONE);
    Point.ZERO = new Point(Fp4.ZERO, Fp4.ONE, Fp4.ZERO);
    Point.Fp = Fp4;
    Point.Fn = Fn2;
    const bits = Fn2.BITS;
    const wnaf = new wNAF(Point, extraOpts.endo ? Math.ceil(bits / 2) : bits);
    Point.BASE.precompute(8);
    return Point;
  }
  function pprefix(hasEvenY) {
    return Uint8Array.of(hasEvenY ? 2 : 3);
  }
  function SWUFpSqrtRatio(Fp4, Z) {
    const q = Fp4.ORDER;
    let l = _0n4;
    for (let o = q - _1n4; o % _2n2 === _0n4; o /= _2n2)
      l += _1n4;
    const c1 = l;
    const _2n_pow_c1_1 = _2n2 << c1 - _1n4 - _1n4;
    const _2n_pow_c1 = _2n_pow_c1_1 * _2n2;
    const c2 = (q - _1n4) / _2n_pow_c1;
    const c3 = (c2 - _1n4) / _2n2;
    const c4 = _2n_pow_c1 - _1n4;
    const c5 = _2n_pow_c1_1;
    const c6 = Fp4.pow(Z, c2);
    const c7 = Fp4.pow(Z, (c2 + _1n4) / _2n2);
    let sqrtRatio = (u, v) => {
      let tv1 = c6;
      let tv2 = Fp4.pow(v, c4);
      let tv3 = Fp4.sqr(tv2);
      tv3 = Fp4.mul(tv3, v);
      let tv5 = Fp4.mul(u, tv3);
      tv5 = Fp4.pow(tv5, c3);
      tv5 = Fp4.mul(tv5, tv2);
      tv2 = Fp4.mul(tv5, v);
      tv3 = Fp4.mul(tv5, u);
      let tv4 = Fp4.mul(tv3, tv2);
      tv5 = Fp4.pow(tv4, c5);
      let isQR = Fp4.eql(tv5, Fp4.ONE);
      tv2 = Fp4.mul(tv3, c7);
      tv5 = Fp4.mul(tv4, tv1);
      tv3 = Fp4.cmov(tv2, tv3, isQR);
      tv4 = Fp4.cmov(tv5, tv4, isQR);
      for (let i = c1; i > _1n4; i--) {
        let tv52 = i - _2n2;
        tv52 = _2n2 << tv52 - _1n4;
        let tvv5 = Fp4.pow(tv4, tv52);
        const e1 = Fp4.eql(tvv5, Fp4.ONE);
        tv2 = Fp4.mul(tv3, tv1);
        tv1 = Fp4.mul(tv1, tv1);
        tvv5 = Fp4.mul(tv4, tv1);
        tv3 = Fp4.cmov(tv2, tv3, e1);
        tv4 = Fp4.cmov(tvv5, tv4, e1);
      }
      return { isValid: isQR, value: tv3 };
    };
    if (Fp4.ORDER % _4n2 === _3n2) {
      const c12 = (Fp4.ORDER - _3n2) / _4n2;
      const c22 = Fp4.sqrt(Fp4.neg(Z));
      sqrtRatio = (u, v) => {
        let tv1 = Fp4.sqr(v);
        const tv2 = Fp4.mul(u, v);
        tv1 = Fp4.mul(tv1, tv2);
        let y1 = Fp4.pow(tv1, c12);
        y1 = Fp4.mul(y1, tv2);
        const y2 = Fp4.mul(y1, c22);
        const tv3 = Fp4.mul(Fp4.sqr(y1), v);
        const isQR = Fp4.eql(tv3, u);
        let y = Fp4.cmov(y2, y1, isQR);
        return { isValid: isQR, value: y };
      };
    }
    return sqrtRatio;
  }
  function mapToCurveSimpleSWU(Fp4, opts) {
    validateField(Fp4);
    const { A, B, Z } = opts;
    if (!Fp4.isValid(A) || !Fp4.isValid(B) || !Fp4.isValid(Z))
      throw new Error("mapToCurveSimpleSWU: invalid opts");
    const sqrtRatio = SWUFpSqrtRatio(Fp4, Z);
    if (!Fp4.isOdd)
      throw new Error("Field does not have .isOdd()");
    return (u) => {
      let tv1, tv2, tv3, tv4, tv5, tv6, x, y;
      tv1 = Fp4.sqr(u);
      tv1 = Fp4.mul(tv1, Z);
      tv2 = Fp4.sqr(tv1);
      tv2 = Fp4.add(tv2, tv1);
      tv3 = Fp4.add(tv2, Fp4.ONE);
      tv3 = Fp4.mul(tv3, B);
      tv4 = Fp4.cmov(Z, Fp4.neg(tv2), !Fp4.eql(tv2, Fp4.ZERO));
      tv4 = Fp4.mul(tv4, A);
      tv2 = Fp4.sqr(tv3);
      tv6 = Fp4.sqr(tv4);
      tv5 = Fp4.mul(tv6, A);
      tv2 = Fp4.add(tv2, tv5);
      tv2 = Fp4.mul(tv2, tv3);
      tv6 = Fp4.mul(tv6, tv4);
      tv5 = Fp4.mul(tv6, B);
      tv2 = Fp4.add(tv2, tv5);
      x = Fp4.mul(tv1, tv3);
      const { isValid, value } = sqrtRatio(tv2, tv6);
      y = Fp4.mul(tv1, u);
      y = Fp4.mul(y, value);
      x = Fp4.cmov(x, tv3, isValid);
      y = Fp4.cmov(y, value, isValid);
      const e1 = Fp4.isOdd(u) === Fp4.isOdd(y);
      y = Fp4.cmov(Fp4.neg(y), y, e1);
      const tv4_inv = FpInvertBatch(Fp4, [tv4], true)[0];
      x = Fp4.mul(x, tv4_inv);
      return { x, y };
    };
  }
  function getWLengths(Fp4, Fn2) {
    return {
      secretKey: Fn2.BYTES,
      publicKey: 1 + Fp4.BYTES,
      publicKeyUncompressed: 1 + 2 * Fp4.BYTES,
      publicKeyHasPrefix: true,
      signature: 2 * Fn2.BYTES
    };
  }
  function weierstrassPoints(c) {
    const { CURVE, curveOpts } = _weierstrass_legacy_opts_to_new(c);
    const Point = weierstrassN(CURVE, curveOpts);
    return _weierstrass_new_output_to_legacy(c, Point);
  }
  function _weierstrass_legacy_opts_to_new(c) {
    const CURVE = {
      a: c.a,
      b: c.b,
      p: c.Fp.ORDER,
      n: c.n,
      h: c.h,
      Gx: c.Gx,
      Gy: c.Gy
    };
    const Fp4 = c.Fp;
    let allowedLengths = c.allowedPrivateKeyLengths ? Array.from(new Set(c.allowedPrivateKeyLengths.map((l) => Math.ceil(l / 2)))) : void 0;
    const Fn2 = Field(CURVE.n, {
      BITS: c.nBitLength,
      allowedLengths,
      modFromBytes: c.wrapPrivateKey
    });
    const curveOpts = {
      Fp: Fp4,
      Fn: Fn2,
      allowInfinityPoint: c.allowInfinityPoint,
      endo: c.endo,
      isTorsionFree: c.isTorsionFree,
      clearCofactor: c.clearCofactor,
      fromBytes: c.fromBytes,
      toBytes: c.toBytes
    };
    return { CURVE, curveOpts };
  }
  function _legacyHelperEquat(Fp4, a, b) {
    function weierstrassEquation(x) {
      const x2 = Fp4.sqr(x);
      const x3 = Fp4.mul(x2, x);
      return Fp4.add(Fp4.add(x3, Fp4.mul(x, a)), b);
    }
    return weierstrassEquation;
  }
  function _weierstrass_new_output_to_legacy(c, Point) {
    const { Fp: Fp4, Fn: Fn2 } = Point;
    function isWithinCurveOrder(num2) {
      return inRange(num2, _1n4, Fn2.ORDER);
    }
    const weierstrassEquation = _legacyHelperEquat(Fp4, c.a, c.b);
    return Object.assign({}, {
      CURVE: c,
      Point,
      ProjectivePoint: Point,
      normPrivateKeyToScalar: (key) => _normFnElement(Fn2, key),
      weierstrassEquation,
      isWithinCurveOrder
    });
  }

  // node_modules/@noble/curves/esm/abstract/bls.js
  var _0n5 = BigInt(0);
  var _1n5 = BigInt(1);
  var _2n3 = BigInt(2);
  var _3n3 = BigInt(3);
  function NAfDecomposition(a) {
    const res = [];
    for (; a > _1n5; a >>= _1n5) {
      if ((a & _1n5) === _0n5)
        res.unshift(0);
      else if ((a & _3n3) === _3n3) {
        res.unshift(-1);
        a += _1n5;
      } else
        res.unshift(1);
    }
    return res;
  }
  function aNonEmpty(arr) {
    if (!Array.isArray(arr) || arr.length === 0)
      throw new Error("expected non-empty array");
  }
  function createBlsPairing(fields, G1, G22, params) {
    const { Fp2: Fp22, Fp12: Fp122 } = fields;
    const { twistType, ateLoopSize, xNegative, postPrecompute } = params;
    let lineFunction;
    if (twistType === "multiplicative") {
      lineFunction = (c0, c1, c2, f, Px, Py) => Fp122.mul014(f, c0, Fp22.mul(c1, Px), Fp22.mul(c2, Py));
    } else if (twistType === "divisive") {
      lineFunction = (c0, c1, c2, f, Px, Py) => Fp122.mul034(f, Fp22.mul(c2, Py), Fp22.mul(c1, Px), c0);
    } else
      throw new Error("bls: unknown twist type");
    const Fp2div2 = Fp22.div(Fp22.ONE, Fp22.mul(Fp22.ONE, _2n3));
    function pointDouble(ell, Rx, Ry, Rz) {
      const t0 = Fp22.sqr(Ry);
      const t1 = Fp22.sqr(Rz);
      const t2 = Fp22.mulByB(Fp22.mul(t1, _3n3));
      const t3 = Fp22.mul(t2, _3n3);
      const t4 = Fp22.sub(Fp22.sub(Fp22.sqr(Fp22.add(Ry, Rz)), t1), t0);
      const c0 = Fp22.sub(t2, t0);
      const c1 = Fp22.mul(Fp22.sqr(Rx), _3n3);
      const c2 = Fp22.neg(t4);
      ell.push([c0, c1, c2]);
      Rx = Fp22.mul(Fp22.mul(Fp22.mul(Fp22.sub(t0, t3), Rx), Ry), Fp2div2);
      Ry = Fp22.sub(Fp22.sqr(Fp22.mul(Fp22.add(t0, t3), Fp2div2)), Fp22.mul(Fp22.sqr(t2), _3n3));
      Rz = Fp22.mul(t0, t4);
      return { Rx, Ry, Rz };
    }
    function pointAdd(ell, Rx, Ry, Rz, Qx, Qy) {
      const t0 = Fp22.sub(Ry, Fp22.mul(Qy, Rz));
      const t1 = Fp22.sub(Rx, Fp22.mul(Qx, Rz));
      const c0 = Fp22.sub(Fp22.mul(t0, Qx), Fp22.mul(t1, Qy));
      const c1 = Fp22.neg(t0);
      const c2 = t1;
      ell.push([c0, c1, c2]);
      const t2 = Fp22.sqr(t1);
      const t3 = Fp22.mul(t2, t1);
      const t4 = Fp22.mul(t2, Rx);
      const t5 = Fp22.add(Fp22.sub(t3, Fp22.mul(t4, _2n3)), Fp22.mul(Fp22.sqr(t0), Rz));
      Rx = Fp22.mul(t1, t5);
      Ry = Fp22.sub(Fp22.mul(Fp22.sub(t4, t5), t0), Fp22.mul(t3, Ry));
      Rz = Fp22.mul(Rz, t3);
      return { Rx, Ry, Rz };
    }
    const ATE_NAF = NAfDecomposition(ateLoopSize);
    const calcPairingPrecomputes = memoized((point) => {
      const p = point;
      const { x, y } = p.toAffine();
      const Qx = x, Qy = y, negQy = Fp22.neg(y);
      let Rx = Qx, Ry = Qy, Rz = Fp22.ONE;
      const ell = [];
      for (const bit of ATE_NAF) {
        const cur = [];
        ({ Rx, Ry, Rz } = pointDouble(cur, Rx, Ry, Rz));
        if (bit)
          ({ Rx, Ry, Rz } = pointAdd(cur, Rx, Ry, Rz, Qx, bit === -1 ? negQy : Qy));
        ell.push(cur);
      }
      if (postPrecompute) {
        const last = ell[ell.length - 1];
        postPrecompute(Rx, Ry, Rz, Qx, Qy, pointAdd.bind(null, last));
      }
      return ell;
    });
    function millerLoopBatch(pairs, withFinalExponent = false) {
      let f12 = Fp122.ONE;
      if (pairs.length) {
        const ellLen = pairs[0][0].length;
        for (let i = 0; i < ellLen; i++) {
          f12 = Fp122.sqr(f12);
          for (const [ell, Px, Py] of pairs) {
            for (const [c0, c1, c2] of ell[i])
              f12 = lineFunction(c0, c1, c2, f12, Px, Py);
          }
        }
      }
      if (xNegative)
        f12 = Fp122.conjugate(f12);
      return withFinalExponent ? Fp122.finalExponentiate(f12) : f12;
    }
    function pairingBatch(pairs, withFinalExponent = true) {
      const res = [];
      normalizeZ(G1, pairs.map(({ g1 }) => g1));
      normalizeZ(G22, pairs.map(({ g2 }) => g2));
      for (const { g1, g2 } of pairs) {
        if (g1.is0() || g2.is0())
          throw new Error("pairing is not available for ZERO point");
        g1.assertValidity();
        g2.assertValidity();
        const Qa = g1.toAffine();
        res.push([calcPairingPrecomputes(g2), Qa.x, Qa.y]);
      }
      return millerLoopBatch(res, withFinalExponent);
    }
    function pairing(Q, P2, withFinalExponent = true) {
      return pairingBatch([{ g1: Q, g2: P2 }], withFinalExponent);
    }
    return {
      Fp12: Fp122,
      // NOTE: we re-export Fp12 here because pairing results are Fp12!
      millerLoopBatch,
      pairing,
      pairingBatch,
      calcPairingPrecomputes
    };
  }
  function createBlsSig(blsPairing, PubCurve, SigCurve, SignatureCoder, isSigG1) {
    const { Fp12: Fp122, pairingBatch } = blsPairing;
    function normPub(point) {
      return point instanceof PubCurve.Point ? point : PubCurve.Point.fromHex(point);
    }
    function normSig(point) {
      return point instanceof SigCurve.Point ? point : SigCurve.Point.fromHex(point);
    }
    function amsg(m) {
      if (!(m instanceof SigCurve.Point))
        throw new Error(`expected valid message hashed to ${!isSigG1 ? "G2" : "G1"} curve`);
      return m;
    }
    const pair = !isSigG1 ? (a, b) => ({ g1: a, g2: b }) : (a, b) => ({ g1: b, g2: a });
    return {
      // P = pk x G
      getPublicKey(secretKey) {
        const sec = _normFnElement(PubCurve.Point.Fn, secretKey);
        return PubCurve.Point.BASE.multiply(sec);
      },
      // S = pk x H(m)
      sign(message, secretKey, unusedArg) {
        if (unusedArg != null)
          throw new Error("sign() expects 2 arguments");
        const sec = _normFnElement(PubCurve.Point.Fn, secretKey);
        amsg(message).assertValidity();
        return message.multiply(sec);
      },
      // Checks if pairing of public key & hash is equal to pairing of generator & signature.
      // e(P, H(m)) == e(G, S)
      // e(S, G) == e(H(m), P)
      verify(signature, message, publicKey, unusedArg) {
        if (unusedArg != null)
          throw new Error("verify() expects 3 arguments");
        signature = normSig(signature);
        publicKey = normPub(publicKey);
        const P2 = publicKey.negate();
        const G3 = PubCurve.Point.BASE;
        const Hm = amsg(message);
        const S = signature;
        const exp = pairingBatch([pair(P2, Hm), pair(G3, S)]);
        return Fp122.eql(exp, Fp122.ONE);
      },
      // https://ethresear.ch/t/fast-verification-of-multiple-bls-signatures/5407
      // e(G, S) = e(G, SUM(n)(Si)) = MUL(n)(e(G, Si))
      // TODO: maybe `{message: G2Hex, publicKey: G1Hex}[]` instead?
      verifyBatch(signature, messages, publicKeys) {
        aNonEmpty(messages);
        if (publicKeys.length !== messages.length)
          throw new Error("amount of public keys and messages should be equal");
        const sig = normSig(signature);
        const nMessages = messages;
        const nPublicKeys = publicKeys.map(normPub);
        const messagePubKeyMap = /* @__PURE__ */ new Map();
        for (let i = 0; i < nPublicKeys.length; i++) {
          const pub = nPublicKeys[i];
          const msg = nMessages[i];
          let keys = messagePubKeyMap.get(msg);
          if (keys === void 0) {
            keys = [];
            messagePubKeyMap.set(msg, keys);
          }
          keys.push(pub);
        }
        const paired = [];
        const G3 = PubCurve.Point.BASE;
        try {
          for (const [msg, keys] of messagePubKeyMap) {
            const groupPublicKey = keys.reduce((acc, msg2) => acc.add(msg2));
            paired.push(pair(groupPublicKey, msg));
          }
          paired.push(pair(G3.negate(), sig));
          return Fp122.eql(pairingBatch(paired), Fp122.ONE);
        } catch {
          return false;
        }
      },
      // Adds a bunch of public key points together.
      // pk1 + pk2 + pk3 = pkA
      aggregatePublicKeys(publicKeys) {
        aNonEmpty(publicKeys);
        publicKeys = publicKeys.map((pub) => normPub(pub));
        const agg = publicKeys.reduce((sum, p) => sum.add(p), PubCurve.Point.ZERO);
        agg.assertValidity();
        return agg;
      },
      // Adds a bunch of signature points together.
      // pk1 + pk2 + pk3 = pkA
      aggregateSignatures(signatures) {
        aNonEmpty(signatures);
        signatures = signatures.map((sig) => normSig(sig));
        const agg = signatures.reduce((sum, s) => sum.add(s), SigCurve.Point.ZERO);
        agg.assertValidity();
        return agg;
      },
      hash(messageBytes, DST2) {
        abytes(messageBytes);
        const opts = DST2 ? { DST: DST2 } : void 0;
        return SigCurve.hashToCurve(messageBytes, opts);
      },
      Signature: SignatureCoder
    };
  }
  function bls(CURVE) {
    const { Fp: Fp4, Fr, Fp2: Fp22, Fp6: Fp62, Fp12: Fp122 } = CURVE.fields;
    const G1_ = weierstrassPoints(CURVE.G1);
    const G1 = Object.assign(G1_, createHasher2(G1_.Point, CURVE.G1.mapToCurve, {
      ...CURVE.htfDefaults,
      ...CURVE.G1.htfDefaults
    }));
    const G2_ = weierstrassPoints(CURVE.G2);
    const G22 = Object.assign(G2_, createHasher2(G2_.Point, CURVE.G2.mapToCurve, {
      ...CURVE.htfDefaults,
      ...CURVE.G2.htfDefaults
    }));
    const pairingRes = createBlsPairing(CURVE.fields, G1.Point, G22.Point, {
      ...CURVE.params,
      postPrecompute: CURVE.postPrecompute
    });
    const { millerLoopBatch, pairing, pairingBatch, calcPairingPrecomputes } = pairingRes;
    const longSignatures = createBlsSig(pairingRes, G1, G22, CURVE.G2.Signature, false);
    const shortSignatures = createBlsSig(pairingRes, G22, G1, CURVE.G1.ShortSignature, true);
    const rand = CURVE.randomBytes || randomBytes;
    const randomSecretKey = () => {
      const length = getMinHashLength(Fr.ORDER);
      return mapHashToField(rand(length), Fr.ORDER);
    };
    const utils = {
      randomSecretKey,
      randomPrivateKey: randomSecretKey,
      calcPairingPrecomputes
    };
    const { ShortSignature } = CURVE.G1;
    const { Signature } = CURVE.G2;
    function normP1Hash(point, htfOpts) {
      return point instanceof G1.Point ? point : shortSignatures.hash(ensureBytes("point", point), htfOpts?.DST);
    }
    function normP2Hash(point, htfOpts) {
      return point instanceof G22.Point ? point : longSignatures.hash(ensureBytes("point", point), htfOpts?.DST);
    }
    function getPublicKey(privateKey) {
      return longSignatures.getPublicKey(privateKey).toBytes(true);
    }
    function getPublicKeyForShortSignatures(privateKey) {
      return shortSignatures.getPublicKey(privateKey).toBytes(true);
    }
    function sign(message, privateKey, htfOpts) {
      const Hm = normP2Hash(message, htfOpts);
      const S = longSignatures.sign(Hm, privateKey);
      return message instanceof G22.Point ? S : Signature.toBytes(S);
    }
    function signShortSignature(message, privateKey, htfOpts) {
      const Hm = normP1Hash(message, htfOpts);
      const S = shortSignatures.sign(Hm, privateKey);
      return message instanceof G1.Point ? S : ShortSignature.toBytes(S);
    }
    function verify4(signature, message, publicKey, htfOpts) {
      const Hm = normP2Hash(message, htfOpts);
      return longSignatures.verify(signature, Hm, publicKey);
    }
    function verifyShortSignature(signature, message, publicKey, htfOpts) {
      const Hm = normP1Hash(message, htfOpts);
      return shortSignatures.verify(signature, Hm, publicKey);
    }
    function aggregatePublicKeys(publicKeys) {
      const agg = longSignatures.aggregatePublicKeys(publicKeys);
      return publicKeys[0] instanceof G1.Point ? agg : agg.toBytes(true);
    }
    function aggregateSignatures(signatures) {
      const agg = longSignatures.aggregateSignatures(signatures);
      return signatures[0] instanceof G22.Point ? agg : Signature.toBytes(agg);
    }
    function aggregateShortSignatures(signatures) {
      const agg = shortSignatures.aggregateSignatures(signatures);
      return signatures[0] instanceof G1.Point ? agg : ShortSignature.toBytes(agg);
    }
    function verifyBatch3(signature, messages, publicKeys, htfOpts) {
      const Hm = messages.map((m) => normP2Hash(m, htfOpts));
      return longSignatures.verifyBatch(signature, Hm, publicKeys);
    }
    G1.Point.BASE.precompute(4);
    return {
      longSignatures,
      shortSignatures,
      millerLoopBatch,
      pairing,
      pairingBatch,
      verifyBatch: verifyBatch3,
      fields: {
        Fr,
        Fp: Fp4,
        Fp2: Fp22,
        Fp6: Fp62,
        Fp12: Fp122
      },
      params: {
        ateLoopSize: CURVE.params.ateLoopSize,
        twistType: CURVE.params.twistType,
        // deprecated
        r: CURVE.params.r,
        G1b: CURVE.G1.b,
        G2b: CURVE.G2.b
      },
      utils,
      // deprecated
      getPublicKey,
      getPublicKeyForShortSignatures,
      sign,
      signShortSignature,
      verify: verify4,
      verifyShortSignature,
      aggregatePublicKeys,
      aggregateSignatures,
      aggregateShortSignatures,
      G1,
      G2: G22,
      Signature,
      ShortSignature
    };
  }

  // node_modules/@noble/curves/esm/abstract/tower.js
  var _0n6 = BigInt(0);
  var _1n6 = BigInt(1);
  var _2n4 = BigInt(2);
  var _3n4 = BigInt(3);
  function calcFrobeniusCoefficients(Fp4, nonResidue, modulus, degree, num2 = 1, divisor) {
    const _divisor = BigInt(divisor === void 0 ? degree : divisor);
    const towerModulus = modulus ** BigInt(degree);
    const res = [];
    for (let i = 0; i < num2; i++) {
      const a = BigInt(i + 1);
      const powers = [];
      for (let j = 0, qPower = _1n6; j < degree; j++) {
        const power = (a * qPower - a) / _divisor % towerModulus;
        powers.push(Fp4.pow(nonResidue, power));
        qPower *= modulus;
      }
      res.push(powers);
    }
    return res;
  }
  function psiFrobenius(Fp4, Fp22, base) {
    const PSI_X = Fp22.pow(base, (Fp4.ORDER - _1n6) / _3n4);
    const PSI_Y = Fp22.pow(base, (Fp4.ORDER - _1n6) / _2n4);
    function psi(x, y) {
      const x2 = Fp22.mul(Fp22.frobeniusMap(x, 1), PSI_X);
      const y2 = Fp22.mul(Fp22.frobeniusMap(y, 1), PSI_Y);
      return [x2, y2];
    }
    const PSI2_X = Fp22.pow(base, (Fp4.ORDER ** _2n4 - _1n6) / _3n4);
    const PSI2_Y = Fp22.pow(base, (Fp4.ORDER ** _2n4 - _1n6) / _2n4);
    if (!Fp22.eql(PSI2_Y, Fp22.neg(Fp22.ONE)))
      throw new Error("psiFrobenius: PSI2_Y!==-1");
    function psi2(x, y) {
      return [Fp22.mul(x, PSI2_X), Fp22.neg(y)];
    }
    const mapAffine = (fn) => (c, P2) => {
      const affine = P2.toAffine();
      const p = fn(affine.x, affine.y);
      return c.fromAffine({ x: p[0], y: p[1] });
    };
    const G2psi3 = mapAffine(psi);
    const G2psi22 = mapAffine(psi2);
    return { psi, psi2, G2psi: G2psi3, G2psi2: G2psi22, PSI_X, PSI_Y, PSI2_X, PSI2_Y };
  }
  var Fp2fromBigTuple = (Fp4, tuple) => {
    if (tuple.length !== 2)
      throw new Error("invalid tuple");
    const fps = tuple.map((n) => Fp4.create(n));
    return { c0: fps[0], c1: fps[1] };
  };
  var _Field2 = class {
    constructor(Fp4, opts = {}) {
      this.MASK = _1n6;
      const ORDER = Fp4.ORDER;
      const FP2_ORDER = ORDER * ORDER;
      this.Fp = Fp4;
      this.ORDER = FP2_ORDER;
      this.BITS = bitLen(FP2_ORDER);
      this.BYTES = Math.ceil(bitLen(FP2_ORDER) / 8);
      this.isLE = Fp4.isLE;
      this.ZERO = { c0: Fp4.ZERO, c1: Fp4.ZERO };
      this.ONE = { c0: Fp4.ONE, c1: Fp4.ZERO };
      this.Fp_NONRESIDUE = Fp4.create(opts.NONRESIDUE || BigInt(-1));
      this.Fp_div2 = Fp4.div(Fp4.ONE, _2n4);
      this.NONRESIDUE = Fp2fromBigTuple(Fp4, opts.FP2_NONRESIDUE);
      this.FROBENIUS_COEFFICIENTS = calcFrobeniusCoefficients(Fp4, this.Fp_NONRESIDUE, Fp4.ORDER, 2)[0];
      this.mulByB = opts.Fp2mulByB;
      Object.seal(this);
    }
    fromBigTuple(tuple) {
      return Fp2fromBigTuple(this.Fp, tuple);
    }
    create(num2) {
      return num2;
    }
    isValid({ c0, c1 }) {
      function isValidC(num2, ORDER) {
        return typeof num2 === "bigint" && _0n6 <= num2 && num2 < ORDER;
      }
      return isValidC(c0, this.ORDER) && isValidC(c1, this.ORDER);
    }
    is0({ c0, c1 }) {
      return this.Fp.is0(c0) && this.Fp.is0(c1);
    }
    isValidNot0(num2) {
      return !this.is0(num2) && this.isValid(num2);
    }
    eql({ c0, c1 }, { c0: r0, c1: r1 }) {
      return this.Fp.eql(c0, r0) && this.Fp.eql(c1, r1);
    }
    neg({ c0, c1 }) {
      return { c0: this.Fp.neg(c0), c1: this.Fp.neg(c1) };
    }
    pow(num2, power) {
      return FpPow(this, num2, power);
    }
    invertBatch(nums) {
      return FpInvertBatch(this, nums);
    }
    // Normalized
    add(f1, f2) {
      const { c0, c1 } = f1;
      const { c0: r0, c1: r1 } = f2;
      return {
        c0: this.Fp.add(c0, r0),
        c1: this.Fp.add(c1, r1)
      };
    }
    sub({ c0, c1 }, { c0: r0, c1: r1 }) {
      return {
        c0: this.Fp.sub(c0, r0),
        c1: this.Fp.sub(c1, r1)
      };
    }
    mul({ c0, c1 }, rhs) {
      const { Fp: Fp4 } = this;
      if (typeof rhs === "bigint")
        return { c0: Fp4.mul(c0, rhs), c1: Fp4.mul(c1, rhs) };
      const { c0: r0, c1: r1 } = rhs;
      let t1 = Fp4.mul(c0, r0);
      let t2 = Fp4.mul(c1, r1);
      const o0 = Fp4.sub(t1, t2);
      const o1 = Fp4.sub(Fp4.mul(Fp4.add(c0, c1), Fp4.add(r0, r1)), Fp4.add(t1, t2));
      return { c0: o0, c1: o1 };
    }
    sqr({ c0, c1 }) {
      const { Fp: Fp4 } = this;
      const a = Fp4.add(c0, c1);
      const b = Fp4.sub(c0, c1);
      const c = Fp4.add(c0, c0);
      return { c0: Fp4.mul(a, b), c1: Fp4.mul(c, c1) };
    }
    // NonNormalized stuff
    addN(a, b) {
      return this.add(a, b);
    }
    subN(a, b) {
      return this.sub(a, b);
    }
    mulN(a, b) {
      return this.mul(a, b);
    }
    sqrN(a) {
      return this.sqr(a);
    }
    // Why inversion for bigint inside Fp instead of Fp2? it is even used in that context?
    div(lhs, rhs) {
      const { Fp: Fp4 } = this;
      return this.mul(lhs, typeof rhs === "bigint" ? Fp4.inv(Fp4.create(rhs)) : this.inv(rhs));
    }
    inv({ c0: a, c1: b }) {
      const { Fp: Fp4 } = this;
      const factor = Fp4.inv(Fp4.create(a * a + b * b));
      return { c0: Fp4.mul(factor, Fp4.create(a)), c1: Fp4.mul(factor, Fp4.create(-b)) };
    }
    sqrt(num2) {
      const { Fp: Fp4 } = this;
      const Fp22 = this;
      const { c0, c1 } = num2;
      if (Fp4.is0(c1)) {
        if (FpLegendre(Fp4, c0) === 1)
          return Fp22.create({ c0: Fp4.sqrt(c0), c1: Fp4.ZERO });
        else
          return Fp22.create({ c0: Fp4.ZERO, c1: Fp4.sqrt(Fp4.div(c0, this.Fp_NONRESIDUE)) });
      }
      const a = Fp4.sqrt(Fp4.sub(Fp4.sqr(c0), Fp4.mul(Fp4.sqr(c1), this.Fp_NONRESIDUE)));
      let d = Fp4.mul(Fp4.add(a, c0), this.Fp_div2);
      const legendre = FpLegendre(Fp4, d);
      if (legendre === -1)
        d = Fp4.sub(d, a);
      const a0 = Fp4.sqrt(d);
      const candidateSqrt = Fp22.create({ c0: a0, c1: Fp4.div(Fp4.mul(c1, this.Fp_div2), a0) });
      if (!Fp22.eql(Fp22.sqr(candidateSqrt), num2))
        throw new Error("Cannot find square root");
      const x1 = candidateSqrt;
      const x2 = Fp22.neg(x1);
      const { re: re1, im: im1 } = Fp22.reim(x1);
      const { re: re2, im: im2 } = Fp22.reim(x2);
      if (im1 > im2 || im1 === im2 && re1 > re2)
        return x1;
      return x2;
    }
    // Same as sgn0_m_eq_2 in RFC 9380
    isOdd(x) {
      const { re: x0, im: x1 } = this.reim(x);
      const sign_0 = x0 % _2n4;
      const zero_0 = x0 === _0n6;
      const sign_1 = x1 % _2n4;
      return BigInt(sign_0 || zero_0 && sign_1) == _1n6;
    }
    // Bytes util
    fromBytes(b) {
      const { Fp: Fp4 } = this;
      if (b.length !== this.BYTES)
        throw new Error("fromBytes invalid length=" + b.length);
      return { c0: Fp4.fromBytes(b.subarray(0, Fp4.BYTES)), c1: Fp4.fromBytes(b.subarray(Fp4.BYTES)) };
    }
    toBytes({ c0, c1 }) {
      return concatBytes(this.Fp.toBytes(c0), this.Fp.toBytes(c1));
    }
    cmov({ c0, c1 }, { c0: r0, c1: r1 }, c) {
      return {
        c0: this.Fp.cmov(c0, r0, c),
        c1: this.Fp.cmov(c1, r1, c)
      };
    }
    reim({ c0, c1 }) {
      return { re: c0, im: c1 };
    }
    Fp4Square(a, b) {
      const Fp22 = this;
      const a2 = Fp22.sqr(a);
      const b2 = Fp22.sqr(b);
      return {
        first: Fp22.add(Fp22.mulByNonresidue(b2), a2),
        // b² * Nonresidue + a²
        second: Fp22.sub(Fp22.sub(Fp22.sqr(Fp22.add(a, b)), a2), b2)
        // (a + b)² - a² - b²
      };
    }
    // multiply by u + 1
    mulByNonresidue({ c0, c1 }) {
      return this.mul({ c0, c1 }, this.NONRESIDUE);
    }
    frobeniusMap({ c0, c1 }, power) {
      return {
        c0,
        c1: this.Fp.mul(c1, this.FROBENIUS_COEFFICIENTS[power % 2])
      };
    }
  };
  var _Field6 = class {
    constructor(Fp22) {
      this.MASK = _1n6;
      this.Fp2 = Fp22;
      this.ORDER = Fp22.ORDER;
      this.BITS = 3 * Fp22.BITS;
      this.BYTES = 3 * Fp22.BYTES;
      this.isLE = Fp22.isLE;
      this.ZERO = { c0: Fp22.ZERO, c1: Fp22.ZERO, c2: Fp22.ZERO };
      this.ONE = { c0: Fp22.ONE, c1: Fp22.ZERO, c2: Fp22.ZERO };
      const { Fp: Fp4 } = Fp22;
      const frob = calcFrobeniusCoefficients(Fp22, Fp22.NONRESIDUE, Fp4.ORDER, 6, 2, 3);
      this.FROBENIUS_COEFFICIENTS_1 = frob[0];
      this.FROBENIUS_COEFFICIENTS_2 = frob[1];
      Object.seal(this);
    }
    add({ c0, c1, c2 }, { c0: r0, c1: r1, c2: r2 }) {
      const { Fp2: Fp22 } = this;
      return {
        c0: Fp22.add(c0, r0),
        c1: Fp22.add(c1, r1),
        c2: Fp22.add(c2, r2)
      };
    }
    sub({ c0, c1, c2 }, { c0: r0, c1: r1, c2: r2 }) {
      const { Fp2: Fp22 } = this;
      return {
        c0: Fp22.sub(c0, r0),
        c1: Fp22.sub(c1, r1),
        c2: Fp22.sub(c2, r2)
      };
    }
    mul({ c0, c1, c2 }, rhs) {
      const { Fp2: Fp22 } = this;
      if (typeof rhs === "bigint") {
        return {
          c0: Fp22.mul(c0, rhs),
          c1: Fp22.mul(c1, rhs),
          c2: Fp22.mul(c2, rhs)
        };
      }
      const { c0: r0, c1: r1, c2: r2 } = rhs;
      const t0 = Fp22.mul(c0, r0);
      const t1 = Fp22.mul(c1, r1);
      const t2 = Fp22.mul(c2, r2);
      return {
        // t0 + (c1 + c2) * (r1 * r2) - (T1 + T2) * (u + 1)
        c0: Fp22.add(t0, Fp22.mulByNonresidue(Fp22.sub(Fp22.mul(Fp22.add(c1, c2), Fp22.add(r1, r2)), Fp22.add(t1, t2)))),
        // (c0 + c1) * (r0 + r1) - (T0 + T1) + T2 * (u + 1)
        c1: Fp22.add(Fp22.sub(Fp22.mul(Fp22.add(c0, c1), Fp22.add(r0, r1)), Fp22.add(t0, t1)), Fp22.mulByNonresidue(t2)),
        // T1 + (c0 + c2) * (r0 + r2) - T0 + T2
        c2: Fp22.sub(Fp22.add(t1, Fp22.mul(Fp22.add(c0, c2), Fp22.add(r0, r2))), Fp22.add(t0, t2))
      };
    }
    sqr({ c0, c1, c2 }) {
      const { Fp2: Fp22 } = this;
      let t0 = Fp22.sqr(c0);
      let t1 = Fp22.mul(Fp22.mul(c0, c1), _2n4);
      let t3 = Fp22.mul(Fp22.mul(c1, c2), _2n4);
      let t4 = Fp22.sqr(c2);
      return {
        c0: Fp22.add(Fp22.mulByNonresidue(t3), t0),
        // T3 * (u + 1) + T0
        c1: Fp22.add(Fp22.mulByNonresidue(t4), t1),
        // T4 * (u + 1) + T1
        // T1 + (c0 - c1 + c2)² + T3 - T0 - T4
        c2: Fp22.sub(Fp22.sub(Fp22.add(Fp22.add(t1, Fp22.sqr(Fp22.add(Fp22.sub(c0, c1), c2))), t3), t0), t4)
      };
    }
    addN(a, b) {
      return this.add(a, b);
    }
    subN(a, b) {
      return this.sub(a, b);
    }
    mulN(a, b) {
      return this.mul(a, b);
    }
    sqrN(a) {
      return this.sqr(a);
    }
    create(num2) {
      return num2;
    }
    isValid({ c0, c1, c2 }) {
      const { Fp2: Fp22 } = this;
      return Fp22.isValid(c0) && Fp22.isValid(c1) && Fp22.isValid(c2);
    }
    is0({ c0, c1, c2 }) {
      const { Fp2: Fp22 } = this;
      return Fp22.is0(c0) && Fp22.is0(c1) && Fp22.is0(c2);
    }
    isValidNot0(num2) {
      return !this.is0(num2) && this.isValid(num2);
    }
    neg({ c0, c1, c2 }) {
      const { Fp2: Fp22 } = this;
      return { c0: Fp22.neg(c0), c1: Fp22.neg(c1), c2: Fp22.neg(c2) };
    }
    eql({ c0, c1, c2 }, { c0: r0, c1: r1, c2: r2 }) {
      const { Fp2: Fp22 } = this;
      return Fp22.eql(c0, r0) && Fp22.eql(c1, r1) && Fp22.eql(c2, r2);
    }
    sqrt(_) {
      return notImplemented();
    }
    // Do we need division by bigint at all? Should be done via order:
    div(lhs, rhs) {
      const { Fp2: Fp22 } = this;
      const { Fp: Fp4 } = Fp22;
      return this.mul(lhs, typeof rhs === "bigint" ? Fp4.inv(Fp4.create(rhs)) : this.inv(rhs));
    }
    pow(num2, power) {
      return FpPow(this, num2, power);
    }
    invertBatch(nums) {
      return FpInvertBatch(this, nums);
    }
    inv({ c0, c1, c2 }) {
      const { Fp2: Fp22 } = this;
      let t0 = Fp22.sub(Fp22.sqr(c0), Fp22.mulByNonresidue(Fp22.mul(c2, c1)));
      let t1 = Fp22.sub(Fp22.mulByNonresidue(Fp22.sqr(c2)), Fp22.mul(c0, c1));
      let t2 = Fp22.sub(Fp22.sqr(c1), Fp22.mul(c0, c2));
      let t4 = Fp22.inv(Fp22.add(Fp22.mulByNonresidue(Fp22.add(Fp22.mul(c2, t1), Fp22.mul(c1, t2))), Fp22.mul(c0, t0)));
      return { c0: Fp22.mul(t4, t0), c1: Fp22.mul(t4, t1), c2: Fp22.mul(t4, t2) };
    }
    // Bytes utils
    fromBytes(b) {
      const { Fp2: Fp22 } = this;
      if (b.length !== this.BYTES)
        throw new Error("fromBytes invalid length=" + b.length);
      const B2 = Fp22.BYTES;
      return {
        c0: Fp22.fromBytes(b.subarray(0, B2)),
        c1: Fp22.fromBytes(b.subarray(B2, B2 * 2)),
        c2: Fp22.fromBytes(b.subarray(2 * B2))
      };
    }
    toBytes({ c0, c1, c2 }) {
      const { Fp2: Fp22 } = this;
      return concatBytes(Fp22.toBytes(c0), Fp22.toBytes(c1), Fp22.toBytes(c2));
    }
    cmov({ c0, c1, c2 }, { c0: r0, c1: r1, c2: r2 }, c) {
      const { Fp2: Fp22 } = this;
      return {
        c0: Fp22.cmov(c0, r0, c),
        c1: Fp22.cmov(c1, r1, c),
        c2: Fp22.cmov(c2, r2, c)
      };
    }
    fromBigSix(t) {
      const { Fp2: Fp22 } = this;
      if (!Array.isArray(t) || t.length !== 6)
        throw new Error("invalid Fp6 usage");
      return {
        c0: Fp22.fromBigTuple(t.slice(0, 2)),
        c1: Fp22.fromBigTuple(t.slice(2, 4)),
        c2: Fp22.fromBigTuple(t.slice(4, 6))
      };
    }
    frobeniusMap({ c0, c1, c2 }, power) {
      const { Fp2: Fp22 } = this;
      return {
        c0: Fp22.frobeniusMap(c0, power),
        c1: Fp22.mul(Fp22.frobeniusMap(c1, power), this.FROBENIUS_COEFFICIENTS_1[power % 6]),
        c2: Fp22.mul(Fp22.frobeniusMap(c2, power), this.FROBENIUS_COEFFICIENTS_2[power % 6])
      };
    }
    mulByFp2({ c0, c1, c2 }, rhs) {
      const { Fp2: Fp22 } = this;
      return {
        c0: Fp22.mul(c0, rhs),
        c1: Fp22.mul(c1, rhs),
        c2: Fp22.mul(c2, rhs)
      };
    }
    mulByNonresidue({ c0, c1, c2 }) {
      const { Fp2: Fp22 } = this;
      return { c0: Fp22.mulByNonresidue(c2), c1: c0, c2: c1 };
    }
    // Sparse multiplication
    mul1({ c0, c1, c2 }, b1) {
      const { Fp2: Fp22 } = this;
      return {
        c0: Fp22.mulByNonresidue(Fp22.mul(c2, b1)),
        c1: Fp22.mul(c0, b1),
        c2: Fp22.mul(c1, b1)
      };
    }
    // Sparse multiplication
    mul01({ c0, c1, c2 }, b0, b1) {
      const { Fp2: Fp22 } = this;
      let t0 = Fp22.mul(c0, b0);
      let t1 = Fp22.mul(c1, b1);
      return {
        // ((c1 + c2) * b1 - T1) * (u + 1) + T0
        c0: Fp22.add(Fp22.mulByNonresidue(Fp22.sub(Fp22.mul(Fp22.add(c1, c2), b1), t1)), t0),
        // (b0 + b1) * (c0 + c1) - T0 - T1
        c1: Fp22.sub(Fp22.sub(Fp22.mul(Fp22.add(b0, b1), Fp22.add(c0, c1)), t0), t1),
        // (c0 + c2) * b0 - T0 + T1
        c2: Fp22.add(Fp22.sub(Fp22.mul(Fp22.add(c0, c2), b0), t0), t1)
      };
    }
  };
  var _Field12 = class {
    constructor(Fp62, opts) {
      this.MASK = _1n6;
      const { Fp2: Fp22 } = Fp62;
      const { Fp: Fp4 } = Fp22;
      this.Fp6 = Fp62;
      this.ORDER = Fp22.ORDER;
      this.BITS = 2 * Fp62.BITS;
      this.BYTES = 2 * Fp62.BYTES;
      this.isLE = Fp62.isLE;
      this.ZERO = { c0: Fp62.ZERO, c1: Fp62.ZERO };
      this.ONE = { c0: Fp62.ONE, c1: Fp62.ZERO };
      this.FROBENIUS_COEFFICIENTS = calcFrobeniusCoefficients(Fp22, Fp22.NONRESIDUE, Fp4.ORDER, 12, 1, 6)[0];
      this.X_LEN = opts.X_LEN;
      this.finalExponentiate = opts.Fp12finalExponentiate;
    }
    create(num2) {
      return num2;
    }
    isValid({ c0, c1 }) {
      const { Fp6: Fp62 } = this;
      return Fp62.isValid(c0) && Fp62.isValid(c1);
    }
    is0({ c0, c1 }) {
      const { Fp6: Fp62 } = this;
      return Fp62.is0(c0) && Fp62.is0(c1);
    }
    isValidNot0(num2) {
      return !this.is0(num2) && this.isValid(num2);
    }
    neg({ c0, c1 }) {
      const { Fp6: Fp62 } = this;
      return { c0: Fp62.neg(c0), c1: Fp62.neg(c1) };
    }
    eql({ c0, c1 }, { c0: r0, c1: r1 }) {
      const { Fp6: Fp62 } = this;
      return Fp62.eql(c0, r0) && Fp62.eql(c1, r1);
    }
    sqrt(_) {
      notImplemented();
    }
    inv({ c0, c1 }) {
      const { Fp6: Fp62 } = this;
      let t = Fp62.inv(Fp62.sub(Fp62.sqr(c0), Fp62.mulByNonresidue(Fp62.sqr(c1))));
      return { c0: Fp62.mul(c0, t), c1: Fp62.neg(Fp62.mul(c1, t)) };
    }
    div(lhs, rhs) {
      const { Fp6: Fp62 } = this;
      const { Fp2: Fp22 } = Fp62;
      const { Fp: Fp4 } = Fp22;
      return this.mul(lhs, typeof rhs === "bigint" ? Fp4.inv(Fp4.create(rhs)) : this.inv(rhs));
    }
    pow(num2, power) {
      return FpPow(this, num2, power);
    }
    invertBatch(nums) {
      return FpInvertBatch(this, nums);
    }
    // Normalized
    add({ c0, c1 }, { c0: r0, c1: r1 }) {
      const { Fp6: Fp62 } = this;
      return {
        c0: Fp62.add(c0, r0),
        c1: Fp62.add(c1, r1)
      };
    }
    sub({ c0, c1 }, { c0: r0, c1: r1 }) {
      const { Fp6: Fp62 } = this;
      return {
        c0: Fp62.sub(c0, r0),
        c1: Fp62.sub(c1, r1)
      };
    }
    mul({ c0, c1 }, rhs) {
      const { Fp6: Fp62 } = this;
      if (typeof rhs === "bigint")
        return { c0: Fp62.mul(c0, rhs), c1: Fp62.mul(c1, rhs) };
      let { c0: r0, c1: r1 } = rhs;
      let t1 = Fp62.mul(c0, r0);
      let t2 = Fp62.mul(c1, r1);
      return {
        c0: Fp62.add(t1, Fp62.mulByNonresidue(t2)),
        // T1 + T2 * v
        // (c0 + c1) * (r0 + r1) - (T1 + T2)
        c1: Fp62.sub(Fp62.mul(Fp62.add(c0, c1), Fp62.add(r0, r1)), Fp62.add(t1, t2))
      };
    }
    sqr({ c0, c1 }) {
      const { Fp6: Fp62 } = this;
      let ab = Fp62.mul(c0, c1);
      return {
        // (c1 * v + c0) * (c0 + c1) - AB - AB * v
        c0: Fp62.sub(Fp62.sub(Fp62.mul(Fp62.add(Fp62.mulByNonresidue(c1), c0), Fp62.add(c0, c1)), ab), Fp62.mulByNonresidue(ab)),
        c1: Fp62.add(ab, ab)
      };
    }
    // NonNormalized stuff
    addN(a, b) {
      return this.add(a, b);
    }
    subN(a, b) {
      return this.sub(a, b);
    }
    mulN(a, b) {
      return this.mul(a, b);
    }
    sqrN(a) {
      return this.sqr(a);
    }
    // Bytes utils
    fromBytes(b) {
      const { Fp6: Fp62 } = this;
      if (b.length !== this.BYTES)
        throw new Error("fromBytes invalid length=" + b.length);
      return {
        c0: Fp62.fromBytes(b.subarray(0, Fp62.BYTES)),
        c1: Fp62.fromBytes(b.subarray(Fp62.BYTES))
      };
    }
    toBytes({ c0, c1 }) {
      const { Fp6: Fp62 } = this;
      return concatBytes(Fp62.toBytes(c0), Fp62.toBytes(c1));
    }
    cmov({ c0, c1 }, { c0: r0, c1: r1 }, c) {
      const { Fp6: Fp62 } = this;
      return {
        c0: Fp62.cmov(c0, r0, c),
        c1: Fp62.cmov(c1, r1, c)
      };
    }
    // Utils
    // toString() {
    //   return '' + 'Fp12(' + this.c0 + this.c1 + '* w');
    // },
    // fromTuple(c: [Fp6, Fp6]) {
    //   return new Fp12(...c);
    // }
    fromBigTwelve(t) {
      const { Fp6: Fp62 } = this;
      return {
        c0: Fp62.fromBigSix(t.slice(0, 6)),
        c1: Fp62.fromBigSix(t.slice(6, 12))
      };
    }
    // Raises to q**i -th power
    frobeniusMap(lhs, power) {
      const { Fp6: Fp62 } = this;
      const { Fp2: Fp22 } = Fp62;
      const { c0, c1, c2 } = Fp62.frobeniusMap(lhs.c1, power);
      const coeff = this.FROBENIUS_COEFFICIENTS[power % 12];
      return {
        c0: Fp62.frobeniusMap(lhs.c0, power),
        c1: Fp62.create({
          c0: Fp22.mul(c0, coeff),
          c1: Fp22.mul(c1, coeff),
          c2: Fp22.mul(c2, coeff)
        })
      };
    }
    mulByFp2({ c0, c1 }, rhs) {
      const { Fp6: Fp62 } = this;
      return {
        c0: Fp62.mulByFp2(c0, rhs),
        c1: Fp62.mulByFp2(c1, rhs)
      };
    }
    conjugate({ c0, c1 }) {
      return { c0, c1: this.Fp6.neg(c1) };
    }
    // Sparse multiplication
    mul014({ c0, c1 }, o0, o1, o4) {
      const { Fp6: Fp62 } = this;
      const { Fp2: Fp22 } = Fp62;
      let t0 = Fp62.mul01(c0, o0, o1);
      let t1 = Fp62.mul1(c1, o4);
      return {
        c0: Fp62.add(Fp62.mulByNonresidue(t1), t0),
        // T1 * v + T0
        // (c1 + c0) * [o0, o1+o4] - T0 - T1
        c1: Fp62.sub(Fp62.sub(Fp62.mul01(Fp62.add(c1, c0), o0, Fp22.add(o1, o4)), t0), t1)
      };
    }
    mul034({ c0, c1 }, o0, o3, o4) {
      const { Fp6: Fp62 } = this;
      const { Fp2: Fp22 } = Fp62;
      const a = Fp62.create({
        c0: Fp22.mul(c0.c0, o0),
        c1: Fp22.mul(c0.c1, o0),
        c2: Fp22.mul(c0.c2, o0)
      });
      const b = Fp62.mul01(c1, o3, o4);
      const e = Fp62.mul01(Fp62.add(c0, c1), Fp22.add(o0, o3), o4);
      return {
        c0: Fp62.add(Fp62.mulByNonresidue(b), a),
        c1: Fp62.sub(e, Fp62.add(a, b))
      };
    }
    // A cyclotomic group is a subgroup of Fp^n defined by
    //   GΦₙ(p) = {α ∈ Fpⁿ : α^Φₙ(p) = 1}
    // The result of any pairing is in a cyclotomic subgroup
    // https://eprint.iacr.org/2009/565.pdf
    // https://eprint.iacr.org/2010/354.pdf
    _cyclotomicSquare({ c0, c1 }) {
      const { Fp6: Fp62 } = this;
      const { Fp2: Fp22 } = Fp62;
      const { c0: c0c0, c1: c0c1, c2: c0c2 } = c0;
      const { c0: c1c0, c1: c1c1, c2: c1c2 } = c1;
      const { first: t3, second: t4 } = Fp22.Fp4Square(c0c0, c1c1);
      const { first: t5, second: t6 } = Fp22.Fp4Square(c1c0, c0c2);
      const { first: t7, second: t8 } = Fp22.Fp4Square(c0c1, c1c2);
      const t9 = Fp22.mulByNonresidue(t8);
      return {
        c0: Fp62.create({
          c0: Fp22.add(Fp22.mul(Fp22.sub(t3, c0c0), _2n4), t3),
          // 2 * (T3 - c0c0)  + T3
          c1: Fp22.add(Fp22.mul(Fp22.sub(t5, c0c1), _2n4), t5),
          // 2 * (T5 - c0c1)  + T5
          c2: Fp22.add(Fp22.mul(Fp22.sub(t7, c0c2), _2n4), t7)
        }),
        // 2 * (T7 - c0c2)  + T7
        c1: Fp62.create({
          c0: Fp22.add(Fp22.mul(Fp22.add(t9, c1c0), _2n4), t9),
          // 2 * (T9 + c1c0) + T9
          c1: Fp22.add(Fp22.mul(Fp22.add(t4, c1c1), _2n4), t4),
          // 2 * (T4 + c1c1) + T4
          c2: Fp22.add(Fp22.mul(Fp22.add(t6, c1c2), _2n4), t6)
        })
      };
    }
    // https://eprint.iacr.org/2009/565.pdf
    _cyclotomicExp(num2, n) {
      let z = this.ONE;
      for (let i = this.X_LEN - 1; i >= 0; i--) {
        z = this._cyclotomicSquare(z);
        if (bitGet(n, i))
          z = this.mul(z, num2);
      }
      return z;
    }
  };
  function tower12(opts) {
    const Fp4 = Field(opts.ORDER);
    const Fp22 = new _Field2(Fp4, opts);
    const Fp62 = new _Field6(Fp22);
    const Fp122 = new _Field12(Fp62, opts);
    return { Fp: Fp4, Fp2: Fp22, Fp6: Fp62, Fp12: Fp122 };
  }

  // node_modules/@noble/curves/esm/bls12-381.js
  var _0n7 = BigInt(0);
  var _1n7 = BigInt(1);
  var _2n5 = BigInt(2);
  var _3n5 = BigInt(3);
  var _4n3 = BigInt(4);
  var BLS_X = BigInt("0xd201000000010000");
  var BLS_X_LEN = bitLen(BLS_X);
  var bls12_381_CURVE_G1 = {
    p: BigInt("0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab"),
    n: BigInt("0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001"),
    h: BigInt("0x396c8c005555e1568c00aaab0000aaab"),
    a: _0n7,
    b: _4n3,
    Gx: BigInt("0x17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb"),
    Gy: BigInt("0x08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1")
  };
  var bls12_381_Fr = Field(bls12_381_CURVE_G1.n, {
    modFromBytes: true,
    isLE: true
  });
  var { Fp, Fp2, Fp6, Fp12 } = tower12({
    ORDER: bls12_381_CURVE_G1.p,
    X_LEN: BLS_X_LEN,
    // Finite extension field over irreducible polynominal.
    // Fp(u) / (u² - β) where β = -1
    FP2_NONRESIDUE: [_1n7, _1n7],
    Fp2mulByB: ({ c0, c1 }) => {
      const t0 = Fp.mul(c0, _4n3);
      const t1 = Fp.mul(c1, _4n3);
      return { c0: Fp.sub(t0, t1), c1: Fp.add(t0, t1) };
    },
    Fp12finalExponentiate: (num2) => {
      const x = BLS_X;
      const t0 = Fp12.div(Fp12.frobeniusMap(num2, 6), num2);
      const t1 = Fp12.mul(Fp12.frobeniusMap(t0, 2), t0);
      const t2 = Fp12.conjugate(Fp12._cyclotomicExp(t1, x));
      const t3 = Fp12.mul(Fp12.conjugate(Fp12._cyclotomicSquare(t1)), t2);
      const t4 = Fp12.conjugate(Fp12._cyclotomicExp(t3, x));
      const t5 = Fp12.conjugate(Fp12._cyclotomicExp(t4, x));
      const t6 = Fp12.mul(Fp12.conjugate(Fp12._cyclotomicExp(t5, x)), Fp12._cyclotomicSquare(t2));
      const t7 = Fp12.conjugate(Fp12._cyclotomicExp(t6, x));
      const t2_t5_pow_q2 = Fp12.frobeniusMap(Fp12.mul(t2, t5), 2);
      const t4_t1_pow_q3 = Fp12.frobeniusMap(Fp12.mul(t4, t1), 3);
      const t6_t1c_pow_q1 = Fp12.frobeniusMap(Fp12.mul(t6, Fp12.conjugate(t1)), 1);
      const t7_t3c_t1 = Fp12.mul(Fp12.mul(t7, Fp12.conjugate(t3)), t1);
      return Fp12.mul(Fp12.mul(Fp12.mul(t2_t5_pow_q2, t4_t1_pow_q3), t6_t1c_pow_q1), t7_t3c_t1);
    }
  });
  var { G2psi, G2psi2 } = psiFrobenius(Fp, Fp2, Fp2.div(Fp2.ONE, Fp2.NONRESIDUE));
  var htfDefaults = Object.freeze({
    DST: "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_",
    encodeDST: "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_",
    p: Fp.ORDER,
    m: 2,
    k: 128,
    expand: "xmd",
    hash: sha256
  });
  var bls12_381_CURVE_G2 = {
    p: Fp2.ORDER,
    n: bls12_381_CURVE_G1.n,
    h: BigInt("0x5d543a95414e7f1091d50792876a202cd91de4547085abaa68a205b2e5a7ddfa628f1cb4d9e82ef21537e293a6691ae1616ec6e786f0c70cf1c38e31c7238e5"),
    a: Fp2.ZERO,
    b: Fp2.fromBigTuple([_4n3, _4n3]),
    Gx: Fp2.fromBigTuple([
      BigInt("0x024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8"),
      BigInt("0x13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e")
    ]),
    Gy: Fp2.fromBigTuple([
      BigInt("0x0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801"),
      BigInt("0x0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be")
    ])
  };
  var COMPZERO = setMask(Fp.toBytes(_0n7), { infinity: true, compressed: true });
  function parseMask(bytes) {
    bytes = bytes.slice();
    const mask = bytes[0] & 224;
    const compressed = !!(mask >> 7 & 1);
    const infinity = !!(mask >> 6 & 1);
    const sort = !!(mask >> 5 & 1);
    bytes[0] &= 31;
    return { compressed, infinity, sort, value: bytes };
  }
  function setMask(bytes, mask) {
    if (bytes[0] & 224)
      throw new Error("setMask: non-empty mask");
    if (mask.compressed)
      bytes[0] |= 128;
    if (mask.infinity)
      bytes[0] |= 64;
    if (mask.sort)
      bytes[0] |= 32;
    return bytes;
  }
  function pointG1ToBytes(_c, point, isComp) {
    const { BYTES: L, ORDER: P2 } = Fp;
    const is0 = point.is0();
    const { x, y } = point.toAffine();
    if (isComp) {
      if (is0)
        return COMPZERO.slice();
      const sort = Boolean(y * _2n5 / P2);
      return setMask(numberToBytesBE(x, L), { compressed: true, sort });
    } else {
      if (is0) {
        return concatBytes(Uint8Array.of(64), new Uint8Array(2 * L - 1));
      } else {
        return concatBytes(numberToBytesBE(x, L), numberToBytesBE(y, L));
      }
    }
  }
  function signatureG1ToBytes(point) {
    point.assertValidity();
    const { BYTES: L, ORDER: P2 } = Fp;
    const { x, y } = point.toAffine();
    if (point.is0())
      return COMPZERO.slice();
    const sort = Boolean(y * _2n5 / P2);
    return setMask(numberToBytesBE(x, L), { compressed: true, sort });
  }
  function pointG1FromBytes(bytes) {
    const { compressed, infinity, sort, value } = parseMask(bytes);
    const { BYTES: L, ORDER: P2 } = Fp;
    if (value.length === 48 && compressed) {
      const compressedValue = bytesToNumberBE(value);
      const x = Fp.create(compressedValue & bitMask(Fp.BITS));
      if (infinity) {
        if (x !== _0n7)
          throw new Error("invalid G1 point: non-empty, at infinity, with compression");
        return { x: _0n7, y: _0n7 };
      }
      const right = Fp.add(Fp.pow(x, _3n5), Fp.create(bls12_381_CURVE_G1.b));
      let y = Fp.sqrt(right);
      if (!y)
        throw new Error("invalid G1 point: compressed point");
      if (y * _2n5 / P2 !== BigInt(sort))
        y = Fp.neg(y);
      return { x: Fp.create(x), y: Fp.create(y) };
    } else if (value.length === 96 && !compressed) {
      const x = bytesToNumberBE(value.subarray(0, L));
      const y = bytesToNumberBE(value.subarray(L));
      if (infinity) {
        if (x !== _0n7 || y !== _0n7)
          throw new Error("G1: non-empty point at infinity");
        return bls12_381.G1.Point.ZERO.toAffine();
      }
      return { x: Fp.create(x), y: Fp.create(y) };
    } else {
      throw new Error("invalid G1 point: expected 48/96 bytes");
    }
  }
  function signatureG1FromBytes(hex2) {
    const { infinity, sort, value } = parseMask(ensureBytes("signatureHex", hex2, 48));
    const P2 = Fp.ORDER;
    const Point = bls12_381.G1.Point;
    const compressedValue = bytesToNumberBE(value);
    if (infinity)
      return Point.ZERO;
    const x = Fp.create(compressedValue & bitMask(Fp.BITS));
    const right = Fp.add(Fp.pow(x, _3n5), Fp.create(bls12_381_CURVE_G1.b));
    let y = Fp.sqrt(right);
    if (!y)
      throw new Error("invalid G1 point: compressed");
    const aflag = BigInt(sort);
    if (y * _2n5 / P2 !== aflag)
      y = Fp.neg(y);
    const point = Point.fromAffine({ x, y });
    point.assertValidity();
    return point;
  }
  function pointG2ToBytes(_c, point, isComp) {
    const { BYTES: L, ORDER: P2 } = Fp;
    const is0 = point.is0();
    const { x, y } = point.toAffine();
    if (isComp) {
      if (is0)
        return concatBytes(COMPZERO, numberToBytesBE(_0n7, L));
      const flag = Boolean(y.c1 === _0n7 ? y.c0 * _2n5 / P2 : y.c1 * _2n5 / P2);
      return concatBytes(setMask(numberToBytesBE(x.c1, L), { compressed: true, sort: flag }), numberToBytesBE(x.c0, L));
    } else {
      if (is0)
        return concatBytes(Uint8Array.of(64), new Uint8Array(4 * L - 1));
      const { re: x0, im: x1 } = Fp2.reim(x);
      const { re: y0, im: y1 } = Fp2.reim(y);
      return concatBytes(numberToBytesBE(x1, L), numberToBytesBE(x0, L), numberToBytesBE(y1, L), numberToBytesBE(y0, L));
    }
  }
  function signatureG2ToBytes(point) {
    point.assertValidity();
    const { BYTES: L } = Fp;
    if (point.is0())
      return concatBytes(COMPZERO, numberToBytesBE(_0n7, L));
    const { x, y } = point.toAffine();
    const { re: x0, im: x1 } = Fp2.reim(x);
    const { re: y0, im: y1 } = Fp2.reim(y);
    const tmp = y1 > _0n7 ? y1 * _2n5 : y0 * _2n5;
    const sort = Boolean(tmp / Fp.ORDER & _1n7);
    const z2 = x0;
    return concatBytes(setMask(numberToBytesBE(x1, L), { sort, compressed: true }), numberToBytesBE(z2, L));
  }
  function pointG2FromBytes(bytes) {
    const { BYTES: L, ORDER: P2 } = Fp;
    const { compressed, infinity, sort, value } = parseMask(bytes);
    if (!compressed && !infinity && sort || // 00100000
    !compressed && infinity && sort || // 01100000
    sort && infinity && compressed) {
      throw new Error("invalid encoding flag: " + (bytes[0] & 224));
    }
    const slc = (b, from, to) => bytesToNumberBE(b.slice(from, to));
    if (value.length === 96 && compressed) {
      if (infinity) {
        if (value.reduce((p, c) => p !== 0 ? c + 1 : c, 0) > 0) {
          throw new Error("invalid G2 point: compressed");
        }
        return { x: Fp2.ZERO, y: Fp2.ZERO };
      }
      const x_1 = slc(value, 0, L);
      const x_0 = slc(value, L, 2 * L);
      const x = Fp2.create({ c0: Fp.create(x_0), c1: Fp.create(x_1) });
      const right = Fp2.add(Fp2.pow(x, _3n5), bls12_381_CURVE_G2.b);
      let y = Fp2.sqrt(right);
      const Y_bit = y.c1 === _0n7 ? y.c0 * _2n5 / P2 : y.c1 * _2n5 / P2 ? _1n7 : _0n7;
      y = sort && Y_bit > 0 ? y : Fp2.neg(y);
      return { x, y };
    } else if (value.length === 192 && !compressed) {
      if (infinity) {
        if (value.reduce((p, c) => p !== 0 ? c + 1 : c, 0) > 0) {
          throw new Error("invalid G2 point: uncompressed");
        }
        return { x: Fp2.ZERO, y: Fp2.ZERO };
      }
      const x1 = slc(value, 0 * L, 1 * L);
      const x0 = slc(value, 1 * L, 2 * L);
      const y1 = slc(value, 2 * L, 3 * L);
      const y0 = slc(value, 3 * L, 4 * L);
      return { x: Fp2.fromBigTuple([x0, x1]), y: Fp2.fromBigTuple([y0, y1]) };
    } else {
      throw new Error("invalid G2 point: expected 96/192 bytes");
    }
  }
  function signatureG2FromBytes(hex2) {
    const { ORDER: P2 } = Fp;
    const { infinity, sort, value } = parseMask(ensureBytes("signatureHex", hex2));
    const Point = bls12_381.G2.Point;
    const half = value.length / 2;
    if (half !== 48 && half !== 96)
      throw new Error("invalid compressed signature length, expected 96/192 bytes");
    const z1 = bytesToNumberBE(value.slice(0, half));
    const z2 = bytesToNumberBE(value.slice(half));
    if (infinity)
      return Point.ZERO;
    const x1 = Fp.create(z1 & bitMask(Fp.BITS));
    const x2 = Fp.create(z2);
    const x = Fp2.create({ c0: x2, c1: x1 });
    const y2 = Fp2.add(Fp2.pow(x, _3n5), bls12_381_CURVE_G2.b);
    let y = Fp2.sqrt(y2);
    if (!y)
      throw new Error("Failed to find a square root");
    const { re: y0, im: y1 } = Fp2.reim(y);
    const aflag1 = BigInt(sort);
    const isGreater = y1 > _0n7 && y1 * _2n5 / P2 !== aflag1;
    const is0 = y1 === _0n7 && y0 * _2n5 / P2 !== aflag1;
    if (isGreater || is0)
      y = Fp2.neg(y);
    const point = Point.fromAffine({ x, y });
    point.assertValidity();
    return point;
  }
  var bls12_381 = bls({
    // Fields
    fields: {
      Fp,
      Fp2,
      Fp6,
      Fp12,
      Fr: bls12_381_Fr
    },
    // G1: y² = x³ + 4
    G1: {
      ...bls12_381_CURVE_G1,
      Fp,
      htfDefaults: { ...htfDefaults, m: 1, DST: "BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_" },
      wrapPrivateKey: true,
      allowInfinityPoint: true,
      // Checks is the point resides in prime-order subgroup.
      // point.isTorsionFree() should return true for valid points
      // It returns false for shitty points.
      // https://eprint.iacr.org/2021/1130.pdf
      isTorsionFree: (c, point) => {
        const beta = BigInt("0x5f19672fdf76ce51ba69c6076a0f77eaddb3a93be6f89688de17d813620a00022e01fffffffefffe");
        const phi = new c(Fp.mul(point.X, beta), point.Y, point.Z);
        const xP = point.multiplyUnsafe(BLS_X).negate();
        const u2P = xP.multiplyUnsafe(BLS_X);
        return u2P.equals(phi);
      },
      // Clear cofactor of G1
      // https://eprint.iacr.org/2019/403
      clearCofactor: (_c, point) => {
        return point.multiplyUnsafe(BLS_X).add(point);
      },
      mapToCurve: mapToG1,
      fromBytes: pointG1FromBytes,
      toBytes: pointG1ToBytes,
      ShortSignature: {
        fromBytes(bytes) {
          abytes(bytes);
          return signatureG1FromBytes(bytes);
        },
        fromHex(hex2) {
          return signatureG1FromBytes(hex2);
        },
        toBytes(point) {
          return signatureG1ToBytes(point);
        },
        toRawBytes(point) {
          return signatureG1ToBytes(point);
        },
        toHex(point) {
          return bytesToHex(signatureG1ToBytes(point));
        }
      }
    },
    G2: {
      ...bls12_381_CURVE_G2,
      Fp: Fp2,
      // https://datatracker.ietf.org/doc/html/rfc9380#name-clearing-the-cofactor
      // https://datatracker.ietf.org/doc/html/rfc9380#name-cofactor-clearing-for-bls12
      hEff: BigInt("0xbc69f08f2ee75b3584c6a0ea91b352888e2a8e9145ad7689986ff031508ffe1329c2f178731db956d82bf015d1212b02ec0ec69d7477c1ae954cbc06689f6a359894c0adebbf6b4e8020005aaa95551"),
      htfDefaults: { ...htfDefaults },
      wrapPrivateKey: true,
      allowInfinityPoint: true,
      mapToCurve: mapToG2,
      // Checks is the point resides in prime-order subgroup.
      // point.isTorsionFree() should return true for valid points
      // It returns false for shitty points.
      // https://eprint.iacr.org/2021/1130.pdf
      // Older version: https://eprint.iacr.org/2019/814.pdf
      isTorsionFree: (c, P2) => {
        return P2.multiplyUnsafe(BLS_X).negate().equals(G2psi(c, P2));
      },
      // Maps the point into the prime-order subgroup G2.
      // clear_cofactor_bls12381_g2 from RFC 9380.
      // https://eprint.iacr.org/2017/419.pdf
      // prettier-ignore
      clearCofactor: (c, P2) => {
        const x = BLS_X;
        let t1 = P2.multiplyUnsafe(x).negate();
        let t2 = G2psi(c, P2);
        let t3 = P2.double();
        t3 = G2psi2(c, t3);
        t3 = t3.subtract(t2);
        t2 = t1.add(t2);
        t2 = t2.multiplyUnsafe(x).negate();
        t3 = t3.add(t2);
        t3 = t3.subtract(t1);
        const Q = t3.subtract(P2);
        return Q;
      },
      fromBytes: pointG2FromBytes,
      toBytes: pointG2ToBytes,
      Signature: {
        fromBytes(bytes) {
          abytes(bytes);
          return signatureG2FromBytes(bytes);
        },
        fromHex(hex2) {
          return signatureG2FromBytes(hex2);
        },
        toBytes(point) {
          return signatureG2ToBytes(point);
        },
        toRawBytes(point) {
          return signatureG2ToBytes(point);
        },
        toHex(point) {
          return bytesToHex(signatureG2ToBytes(point));
        }
      }
    },
    params: {
      ateLoopSize: BLS_X,
      // The BLS parameter x for BLS12-381
      r: bls12_381_CURVE_G1.n,
      // order; z⁴ − z² + 1; CURVE.n from other curves
      xNegative: true,
      twistType: "multiplicative"
    },
    htfDefaults,
    hash: sha256
  });
  var isogenyMapG2 = isogenyMap(Fp2, [
    // xNum
    [
      [
        "0x5c759507e8e333ebb5b7a9a47d7ed8532c52d39fd3a042a88b58423c50ae15d5c2638e343d9c71c6238aaaaaaaa97d6",
        "0x5c759507e8e333ebb5b7a9a47d7ed8532c52d39fd3a042a88b58423c50ae15d5c2638e343d9c71c6238aaaaaaaa97d6"
      ],
      [
        "0x0",
        "0x11560bf17baa99bc32126fced787c88f984f87adf7ae0c7f9a208c6b4f20a4181472aaa9cb8d555526a9ffffffffc71a"
      ],
      [
        "0x11560bf17baa99bc32126fced787c88f984f87adf7ae0c7f9a208c6b4f20a4181472aaa9cb8d555526a9ffffffffc71e",
        "0x8ab05f8bdd54cde190937e76bc3e447cc27c3d6fbd7063fcd104635a790520c0a395554e5c6aaaa9354ffffffffe38d"
      ],
      [
        "0x171d6541fa38ccfaed6dea691f5fb614cb14b4e7f4e810aa22d6108f142b85757098e38d0f671c7188e2aaaaaaaa5ed1",
        "0x0"
      ]
    ],
    // xDen
    [
      [
        "0x0",
        "0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaa63"
      ],
      [
        "0xc",
        "0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaa9f"
      ],
      ["0x1", "0x0"]
      // LAST 1
    ],
    // yNum
    [
      [
        "0x1530477c7ab4113b59a4c18b076d11930f7da5d4a07f649bf54439d87d27e500fc8c25ebf8c92f6812cfc71c71c6d706",
        "0x1530477c7ab4113b59a4c18b076d11930f7da5d4a07f649bf54439d87d27e500fc8c25ebf8c92f6812cfc71c71c6d706"
      ],
      [
        "0x0",
        "0x5c759507e8e333ebb5b7a9a47d7ed8532c52d39fd3a042a88b58423c50ae15d5c2638e343d9c71c6238aaaaaaaa97be"
      ],
      [
        "0x11560bf17baa99bc32126fced787c88f984f87adf7ae0c7f9a208c6b4f20a4181472aaa9cb8d555526a9ffffffffc71c",
        "0x8ab05f8bdd54cde190937e76bc3e447cc27c3d6fbd7063fcd104635a790520c0a395554e5c6aaaa9354ffffffffe38f"
      ],
      [
        "0x124c9ad43b6cf79bfbf7043de3811ad0761b0f37a1e26286b0e977c69aa274524e79097a56dc4bd9e1b371c71c718b10",
        "0x0"
      ]
    ],
    // yDen
    [
      [
        "0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffa8fb",
        "0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffa8fb"
      ],
      [
        "0x0",
        "0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffa9d3"
      ],
      [
        "0x12",
        "0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaa99"
      ],
      ["0x1", "0x0"]
      // LAST 1
    ]
  ].map((i) => i.map((pair) => Fp2.fromBigTuple(pair.map(BigInt)))));
  var isogenyMapG1 = isogenyMap(Fp, [
    // xNum
    [
      "0x11a05f2b1e833340b809101dd99815856b303e88a2d7005ff2627b56cdb4e2c85610c2d5f2e62d6eaeac1662734649b7",
      "0x17294ed3e943ab2f0588bab22147a81c7c17e75b2f6a8417f565e33c70d1e86b4838f2a6f318c356e834eef1b3cb83bb",
      "0xd54005db97678ec1d1048c5d10a9a1bce032473295983e56878e501ec68e25c958c3e3d2a09729fe0179f9dac9edcb0",
      "0x1778e7166fcc6db74e0609d307e55412d7f5e4656a8dbf25f1b33289f1b330835336e25ce3107193c5b388641d9b6861",
      "0xe99726a3199f4436642b4b3e4118e5499db995a1257fb3f086eeb65982fac18985a286f301e77c451154ce9ac8895d9",
      "0x1630c3250d7313ff01d1201bf7a74ab5db3cb17dd952799b9ed3ab9097e68f90a0870d2dcae73d19cd13c1c66f652983",
      "0xd6ed6553fe44d296a3726c38ae652bfb11586264f0f8ce19008e218f9c86b2a8da25128c1052ecaddd7f225a139ed84",
      "0x17b81e7701abdbe2e8743884d1117e53356de5ab275b4db1a682c62ef0f2753339b7c8f8c8f475af9ccb5618e3f0c88e",
      "0x80d3cf1f9a78fc47b90b33563be990dc43b756ce79f5574a2c596c928c5d1de4fa295f296b74e956d71986a8497e317",
      "0x169b1f8e1bcfa7c42e0c37515d138f22dd2ecb803a0c5c99676314baf4bb1b7fa3190b2edc0327797f241067be390c9e",
      "0x10321da079ce07e272d8ec09d2565b0dfa7dccdde6787f96d50af36003b14866f69b771f8c285decca67df3f1605fb7b",
      "0x6e08c248e260e70bd1e962381edee3d31d79d7e22c837bc23c0bf1bc24c6b68c24b1b80b64d391fa9c8ba2e8ba2d229"
    ],
    // xDen
    [
      "0x8ca8d548cff19ae18b2e62f4bd3fa6f01d5ef4ba35b48ba9c9588617fc8ac62b558d681be343df8993cf9fa40d21b1c",
      "0x12561a5deb559c4348b4711298e536367041e8ca0cf0800c0126c2588c48bf5713daa8846cb026e9e5c8276ec82b3bff",
      "0xb2962fe57a3225e8137e629bff2991f6f89416f5a718cd1fca64e00b11aceacd6a3d0967c94fedcfcc239ba5cb83e19",
      "0x3425581a58ae2fec83aafef7c40eb545b08243f16b1655154cca8abc28d6fd04976d5243eecf5c4130de8938dc62cd8",
      "0x13a8e162022914a80a6f1d5f43e7a07dffdfc759a12062bb8d6b44e833b306da9bd29ba81f35781d539d395b3532a21e",
      "0xe7355f8e4e667b955390f7f0506c6e9395735e9ce9cad4d0a43bcef24b8982f7400d24bc4228f11c02df9a29f6304a5",
      "0x772caacf16936190f3e0c63e0596721570f5799af53a1894e2e073062aede9cea73b3538f0de06cec2574496ee84a3a",
      "0x14a7ac2a9d64a8b230b3f5b074cf01996e7f63c21bca68a81996e1cdf9822c580fa5b9489d11e2d311f7d99bbdcc5a5e",
      "0xa10ecf6ada54f825e920b3dafc7a3cce07f8d1d7161366b74100da67f39883503826692abba43704776ec3a79a1d641",
      "0x95fc13ab9e92ad4476d6e3eb3a56680f682b4ee96f7d03776df533978f31c1593174e4b4b7865002d6384d168ecdd0a",
      "0x000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001"
      // LAST 1
    ],
    // yNum
    [
      "0x90d97c81ba24ee0259d1f094980dcfa11ad138e48a869522b52af6c956543d3cd0c7aee9b3ba3c2be9845719707bb33",
      "0x134996a104ee5811d51036d776fb46831223e96c254f383d0f906343eb67ad34d6c56711962fa8bfe097e75a2e41c696",
      "0xcc786baa966e66f4a384c86a3b49942552e2d658a31ce2c344be4b91400da7d26d521628b00523b8dfe240c72de1f6",
      "0x1f86376e8981c217898751ad8746757d42aa7b90eeb791c09e4a3ec03251cf9de405aba9ec61deca6355c77b0e5f4cb",
      "0x8cc03fdefe0ff135caf4fe2a21529c4195536fbe3ce50b879833fd221351adc2ee7f8dc099040a841b6daecf2e8fedb",
      "0x16603fca40634b6a2211e11db8f0a6a074a7d0d4afadb7bd76505c3d3ad5544e203f6326c95a807299b23ab13633a5f0",
      "0x4ab0b9bcfac1bbcb2c977d027796b3ce75bb8ca2be184cb5231413c4d634f3747a87ac2460f415ec961f8855fe9d6f2",
      "0x987c8d5333ab86fde9926bd2ca6c674170a05bfe3bdd81ffd038da6c26c842642f64550fedfe935a15e4ca31870fb29",
      "0x9fc4018bd96684be88c9e221e4da1bb8f3abd16679dc26c1e8b6e6a1f20cabe69d65201c78607a360370e577bdba587",
      "0xe1bba7a1186bdb5223abde7ada14a23c42a0ca7915af6fe06985e7ed1e4d43b9b3f7055dd4eba6f2bafaaebca731c30",
      "0x19713e47937cd1be0dfd0b8f1d43fb93cd2fcbcb6caf493fd1183e416389e61031bf3a5cce3fbafce813711ad011c132",
      "0x18b46a908f36f6deb918c143fed2edcc523559b8aaf0c2462e6bfe7f911f643249d9cdf41b44d606ce07c8a4d0074d8e",
      "0xb182cac101b9399d155096004f53f447aa7b12a3426b08ec02710e807b4633f06c851c1919211f20d4c04f00b971ef8",
      "0x245a394ad1eca9b72fc00ae7be315dc757b3b080d4c158013e6632d3c40659cc6cf90ad1c232a6442d9d3f5db980133",
      "0x5c129645e44cf1102a159f748c4a3fc5e673d81d7e86568d9ab0f5d396a7ce46ba1049b6579afb7866b1e715475224b",
      "0x15e6be4e990f03ce4ea50b3b42df2eb5cb181d8f84965a3957add4fa95af01b2b665027efec01c7704b456be69c8b604"
    ],
    // yDen
    [
      "0x16112c4c3a9c98b252181140fad0eae9601a6de578980be6eec3232b5be72e7a07f3688ef60c206d01479253b03663c1",
      "0x1962d75c2381201e1a0cbd6c43c348b885c84ff731c4d59ca4a10356f453e01f78a4260763529e3532f6102c2e49a03d",
      "0x58df3306640da276faaae7d6e8eb15778c4855551ae7f310c35a5dd279cd2eca6757cd636f96f891e2538b53dbf67f2",
      "0x16b7d288798e5395f20d23bf89edb4d1d115c5dbddbcd30e123da489e726af41727364f2c28297ada8d26d98445f5416",
      "0xbe0e079545f43e4b00cc912f8228ddcc6d19c9f0f69bbb0542eda0fc9dec916a20b15dc0fd2ededda39142311a5001d",
      "0x8d9e5297186db2d9fb266eaac783182b70152c65550d881c5ecd87b6f0f5a6449f38db9dfa9cce202c6477faaf9b7ac",
      "0x166007c08a99db2fc3ba8734ace9824b5eecfdfa8d0cf8ef5dd365bc400a0051d5fa9c01a58b1fb93d1a1399126a775c",
      "0x16a3ef08be3ea7ea03bcddfabba6ff6ee5a4375efa1f4fd7feb34fd206357132b920f5b00801dee460ee415a15812ed9",
      "0x1866c8ed336c61231a1be54fd1d74cc4f9fb0ce4c6af5920abc5750c4bf39b4852cfe2f7bb9248836b233d9d55535d4a",
      "0x167a55cda70a6e1cea820597d94a84903216f763e13d87bb5308592e7ea7d4fbc7385ea3d529b35e346ef48bb8913f55",
      "0x4d2f259eea405bd48f010a01ad2911d9c6dd039bb61a6290e591b36e636a5c871a5c29f4f83060400f8b49cba8f6aa8",
      "0xaccbb67481d033ff5852c1e48c50c477f94ff8aefce42d28c0f9a88cea7913516f968986f7ebbea9684b529e2561092",
      "0xad6b9514c767fe3c3613144b45f1496543346d98adf02267d5ceef9a00d9b8693000763e3b90ac11e99b138573345cc",
      "0x2660400eb2e4f3b628bdd0d53cd76f2bf565b94e72927c1cb748df27942480e420517bd8714cc80d1fadc1326ed06f7",
      "0xe0fa1d816ddc03e6b24255e0d7819c171c40f65e273b853324efcd6356caa205ca2f570f13497804415473a1d634b8f",
      "0x000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001"
      // LAST 1
    ]
  ].map((i) => i.map((j) => BigInt(j))));
  var G1_SWU = mapToCurveSimpleSWU(Fp, {
    A: Fp.create(BigInt("0x144698a3b8e9433d693a02c96d4982b0ea985383ee66a8d8e8981aefd881ac98936f8da0e0f97f5cf428082d584c1d")),
    B: Fp.create(BigInt("0x12e2908d11688030018b12e8753eee3b2016c1f0f24f4070a0b9c14fcef35ef55a23215a316ceaa5d1cc48e98e172be0")),
    Z: Fp.create(BigInt(11))
  });
  var G2_SWU = mapToCurveSimpleSWU(Fp2, {
    A: Fp2.create({ c0: Fp.create(_0n7), c1: Fp.create(BigInt(240)) }),
    // A' = 240 * I
    B: Fp2.create({ c0: Fp.create(BigInt(1012)), c1: Fp.create(BigInt(1012)) }),
    // B' = 1012 * (1 + I)
    Z: Fp2.create({ c0: Fp.create(BigInt(-2)), c1: Fp.create(BigInt(-1)) })
    // Z: -(2 + I)
  });
  function mapToG1(scalars) {
    const { x, y } = G1_SWU(Fp.create(scalars[0]));
    return isogenyMapG1(x, y);
  }
  function mapToG2(scalars) {
    const { x, y } = G2_SWU(Fp2.fromBigTuple(scalars));
    return isogenyMapG2(x, y);
  }

  // src/group.js
  var R = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
  var H2C_DST = utf8("POR-V1-BLS12381G1_XMD:SHA-256_SSWU_RO_");
  var POINT_BYTES = 48;
  var IDENTITY_BYTES = (() => {
    const b = new Uint8Array(48);
    b[0] = 192;
    return b;
  })();
  var P = bls12_381.G1.ProjectivePoint;
  var G = P.BASE;
  var ZERO = P.ZERO;
  var EncodingError = class extends Error {
  };
  var mod2 = (a) => {
    const x = a % R;
    return x < 0n ? x + R : x;
  };
  function modpow(b, e) {
    let r = 1n;
    b = mod2(b);
    while (e > 0n) {
      if (e & 1n) r = r * b % R;
      b = b * b % R;
      e >>= 1n;
    }
    return r;
  }
  function inv(a) {
    a = mod2(a);
    if (a === 0n) throw new EncodingError("zero has no inverse");
    let [o, r] = [a, R], [s, t] = [1n, 0n];
    while (r !== 0n) {
      const q = o / r;
      [o, r] = [r, o - q * r];
      [s, t] = [t, s - q * t];
    }
    return mod2(s);
  }
  function encode(p) {
    return p.toRawBytes(true);
  }
  function decode(data, allowIdentity = false) {
    if (!(data instanceof Uint8Array) || data.length !== POINT_BYTES) throw new EncodingError("a G1 point is 48 bytes");
    if (eqBytes(data, IDENTITY_BYTES)) {
      if (!allowIdentity) throw new EncodingError("the identity point is not allowed here");
      return ZERO;
    }
    let p;
    try {
      p = P.fromHex(data);
    } catch {
      throw new EncodingError("not a valid compressed G1 point (flags, field element, curve or subgroup)");
    }
    if (p.equals(ZERO)) throw new EncodingError("non-canonical encoding of the identity");
    if (!eqBytes(encode(p), data)) throw new EncodingError("non-canonical G1 point encoding");
    return p;
  }
  function hashToG1(msg) {
    return P.fromAffine(bls12_381.G1.hashToCurve(msg, { DST: H2C_DST }).toAffine());
  }
  function hashToScalar(msg, dst) {
    return bytesToInt(expand_message_xmd(msg, dst, 48, sha256)) % R;
  }
  function decodeScalar(b) {
    if (b.length !== 32) throw new EncodingError("a scalar is 32 bytes");
    const k = bytesToInt(b);
    if (k >= R) throw new EncodingError("non-canonical scalar (>= r)");
    return k;
  }
  var encodeScalar = (k) => intToBytes(k, 32);
  function msm(points, scalars) {
    const pts = [], sc = [];
    for (let k = 0; k < points.length; k++) {
      const s = mod2(scalars[k]);
      if (s !== 0n && !points[k].equals(ZERO)) {
        pts.push(points[k]);
        sc.push(s);
      }
    }
    if (!pts.length) return ZERO;
    return P.msm(pts, sc);
  }
  function mul(p, k) {
    k = mod2(k);
    if (k === 0n || p.equals(ZERO)) return ZERO;
    return p.multiply(k);
  }
  function randomScalar() {
    const b = new Uint8Array(64);
    globalThis.crypto.getRandomValues(b);
    return 1n + bytesToInt(b) % (R - 1n);
  }

  // src/json.js
  var PyFloat = class {
    constructor(value, text2) {
      this.value = value;
      this.text = text2;
    }
  };
  var JsonError = class extends Error {
  };
  var WS = /* @__PURE__ */ new Set([32, 9, 10, 13]);
  var MAX_DEPTH = 900;
  function parseJson(text2, { allowFloats = true, allowConstants = true } = {}) {
    let i = 0;
    const n = text2.length;
    const fail2 = (msg) => {
      throw new JsonError(`${msg} at offset ${i}`);
    };
    const ws = () => {
      while (i < n && WS.has(text2.charCodeAt(i))) i++;
    };
    const value = (depth) => {
      if (depth > MAX_DEPTH) fail2("JSON nested too deeply");
      ws();
      if (i >= n) fail2("Expecting value");
      const ch = text2[i];
      if (ch === "{") {
        i++;
        const obj2 = /* @__PURE__ */ Object.create(null);
        ws();
        if (text2[i] === "}") {
          i++;
          return obj2;
        }
        for (; ; ) {
          ws();
          if (text2[i] !== '"') fail2("Expecting property name enclosed in double quotes");
          const key = str2();
          ws();
          if (text2[i] !== ":") fail2("Expecting ':' delimiter");
          i++;
          const v2 = value(depth + 1);
          obj2[key] = v2;
          ws();
          if (text2[i] === ",") {
            i++;
            continue;
          }
          if (text2[i] === "}") {
            i++;
            return obj2;
          }
          fail2("Expecting ',' delimiter");
        }
      }
      if (ch === "[") {
        i++;
        const arr = [];
        ws();
        if (text2[i] === "]") {
          i++;
          return arr;
        }
        for (; ; ) {
          arr.push(value(depth + 1));
          ws();
          if (text2[i] === ",") {
            i++;
            continue;
          }
          if (text2[i] === "]") {
            i++;
            return arr;
          }
          fail2("Expecting ',' delimiter");
        }
      }
      if (ch === '"') return str2();
      if (text2.startsWith("true", i)) {
        i += 4;
        return true;
      }
      if (text2.startsWith("false", i)) {
        i += 5;
        return false;
      }
      if (text2.startsWith("null", i)) {
        i += 4;
        return null;
      }
      for (const [word, v2] of [["NaN", NaN], ["Infinity", Infinity], ["-Infinity", -Infinity]]) {
        if (text2.startsWith(word, i)) {
          if (!allowConstants) fail2(`${word} is not allowed`);
          i += word.length;
          return new PyFloat(v2, word);
        }
      }
      const m = /^-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(text2.slice(i, i + 5e3));
      if (!m) fail2("Expecting value");
      i += m[0].length;
      if (m[1] !== void 0 || m[2] !== void 0) {
        if (!allowFloats) fail2(`floats are not allowed (found ${m[0]})`);
        return new PyFloat(Number(m[0]), m[0]);
      }
      const digits = m[0].replace("-", "");
      if (digits.length > 4300) fail2("integer too long");
      return BigInt(m[0]);
    };
    const str2 = () => {
      i++;
      let out = "";
      for (; ; ) {
        if (i >= n) fail2("Unterminated string");
        const c = text2.charCodeAt(i);
        if (c === 34) {
          i++;
          return out;
        }
        if (c === 92) {
          const e = text2[i + 1];
          const simple = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "	" };
          if (e in simple) {
            out += simple[e];
            i += 2;
            continue;
          }
          if (e === "u") {
            const hex2 = text2.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex2)) fail2("Invalid \\uXXXX escape");
            out += String.fromCharCode(parseInt(hex2, 16));
            i += 6;
            continue;
          }
          fail2("Invalid \\escape");
        }
        if (c < 32) fail2("Invalid control character");
        out += text2[i];
        i++;
      }
    };
    ws();
    const v = value(0);
    ws();
    if (i !== n) fail2("Extra data");
    return v;
  }
  function utf8Decode(bytes) {
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      throw new JsonError("not UTF-8");
    }
  }
  function hasLoneSurrogate(s) {
    for (let k = 0; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (c >= 55296 && c <= 56319) {
        const d = s.charCodeAt(k + 1);
        if (d >= 56320 && d <= 57343) {
          k++;
          continue;
        }
        return true;
      }
      if (c >= 56320 && c <= 57343) return true;
    }
    return false;
  }
  function cmpCodePoints(a, b) {
    const A = Array.from(a), B = Array.from(b);
    const len = Math.min(A.length, B.length);
    for (let k = 0; k < len; k++) {
      const x = A[k].codePointAt(0), y = B[k].codePointAt(0);
      if (x !== y) return x - y;
    }
    return A.length - B.length;
  }
  function dumpStr(s) {
    if (hasLoneSurrogate(s)) throw new JsonError("a string is not valid Unicode");
    let out = '"';
    for (const ch of s) {
      const c = ch.codePointAt(0);
      if (ch === '"') out += '\\"';
      else if (ch === "\\") out += "\\\\";
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch === "	") out += "\\t";
      else if (ch === "\b") out += "\\b";
      else if (ch === "\f") out += "\\f";
      else if (c < 32) out += "\\u" + c.toString(16).padStart(4, "0");
      else out += ch;
    }
    return out + '"';
  }
  function canonicalDumps(v) {
    if (v === null) return "null";
    if (v === true) return "true";
    if (v === false) return "false";
    if (typeof v === "bigint") return v.toString();
    if (typeof v === "string") return dumpStr(v);
    if (v instanceof PyFloat) throw new JsonError("floats are not allowed in canonical JSON");
    if (Array.isArray(v)) return "[" + v.map(canonicalDumps).join(",") + "]";
    if (isObj(v)) {
      const keys = Object.keys(v).sort(cmpCodePoints);
      return "{" + keys.map((k) => dumpStr(k) + ":" + canonicalDumps(v[k])).join(",") + "}";
    }
    throw new JsonError("not a JSON value");
  }
  function isObj(v) {
    return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof PyFloat);
  }
  function get(obj2, key) {
    return isObj(obj2) && Object.prototype.hasOwnProperty.call(obj2, key) ? obj2[key] : void 0;
  }
  function has(obj2, key) {
    return isObj(obj2) && Object.prototype.hasOwnProperty.call(obj2, key);
  }
  function num(v) {
    if (typeof v === "boolean") return { k: "i", v: v ? 1n : 0n };
    if (typeof v === "bigint") return { k: "i", v };
    if (v instanceof PyFloat) return { k: "f", v: v.value };
    return null;
  }
  function pyEq(a, b) {
    const x = num(a), y = num(b);
    if (x && y) {
      if (x.k === "i" && y.k === "i") return x.v === y.v;
      if (x.k === "f" && y.k === "f") return x.v === y.v;
      const [f, i] = x.k === "f" ? [x.v, y.v] : [y.v, x.v];
      return Number.isFinite(f) && Number.isInteger(f) && BigInt(f) === i;
    }
    if (x || y) return false;
    if (a === null || b === null || a === void 0 || b === void 0) return a === b;
    if (typeof a === "string" || typeof b === "string") return a === b;
    if (Array.isArray(a) || Array.isArray(b)) {
      if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
      return a.every((e, k) => pyEq(e, b[k]));
    }
    if (isObj(a) && isObj(b)) {
      const ka = Object.keys(a), kb = Object.keys(b);
      if (ka.length !== kb.length) return false;
      return ka.every((k) => has(b, k) && pyEq(a[k], b[k]));
    }
    return false;
  }
  function pyRepr(v) {
    if (v === void 0 || v === null) return "None";
    if (v === true) return "True";
    if (v === false) return "False";
    if (typeof v === "bigint") return v.toString();
    if (v instanceof PyFloat) return String(v.value);
    if (typeof v === "string") return "'" + v.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n") + "'";
    if (Array.isArray(v)) return "[" + v.map(pyRepr).join(", ") + "]";
    return "{" + Object.keys(v).map((k) => pyRepr(k) + ": " + pyRepr(v[k])).join(", ") + "}";
  }
  function pyType(v) {
    if (v === null || v === void 0) return "NoneType";
    if (typeof v === "boolean") return "bool";
    if (typeof v === "bigint") return "int";
    if (v instanceof PyFloat) return "float";
    if (typeof v === "string") return "str";
    if (Array.isArray(v)) return "list";
    return "dict";
  }

  // src/leaf.js
  var leaf_exports = {};
  __export(leaf_exports, {
    LEAF_FORMAT: () => LEAF_FORMAT,
    MAX_ACCOUNT_BYTES: () => MAX_ACCOUNT_BYTES,
    MODES: () => MODES,
    OLD_LEAF_FORMATS: () => OLD_LEAF_FORMATS,
    blinding: () => blinding,
    blockContext: () => blockContext,
    blockSizeProblem: () => blockSizeProblem,
    checkLeafFormat: () => checkLeafFormat,
    collateralContext: () => collateralContext,
    encodeSum: () => encodeSum,
    leafHash: () => leafHash,
    leafId: () => leafId,
    levelBlockSize: () => levelBlockSize,
    nodeHash: () => nodeHash
  });
  var LEAF_FORMAT = "por-leaf/2";
  var OLD_LEAF_FORMATS = { "por-leaf/1": "leaf ids not bound to the account id (two accounts could share one leaf)" };
  var MODES = ["committed", "plain"];
  var MAX_ACCOUNT_BYTES = 1024;
  var LEAF_PREFIX = { committed: utf8("\0por/v1/leaf"), plain: utf8("\0por/v1/plain-leaf") };
  var NODE_PREFIX = { committed: utf8("por/v1/node"), plain: utf8("por/v1/plain-node") };
  var BLINDING_DST = utf8("por/v1/tree/blinding");
  function leafId(accountId, s) {
    return sha2562(utf8("por/v2/leaf-id"), Uint8Array.of(0), lp(utf8(accountId)), s);
  }
  function blinding(s, column) {
    return hashToScalar(concat(s, u8(column >>> 24), u8(column >>> 16 & 255), u8(column >>> 8 & 255), u8(column & 255)), BLINDING_DST);
  }
  var encodeSum = (v) => u128(v);
  var leafHash = (mode2, lid, cols) => sha2562(LEAF_PREFIX[mode2], lid, cols);
  var nodeHash = (mode2, left, right, cols) => sha2562(NODE_PREFIX[mode2], left, right, cols);
  function blockContext(epochId, context, height, level, block) {
    return concat(utf8("por/v1/tree/node-range"), lp(utf8(epochId)), lp(context), Uint8Array.of(height, level), u64(block));
  }
  function collateralContext(epochId, context, height, position) {
    return concat(utf8("por/v1/tree/collateral"), lp(utf8(epochId)), lp(context), Uint8Array.of(height), u64(position));
  }
  var levelBlockSize = (blockSize, height, level) => Math.min(blockSize, 2 ** (height - level));
  function checkLeafFormat(value) {
    if (value === LEAF_FORMAT) return null;
    if (value === null || value === void 0) {
      return `no leaf format recorded: a tree or proof of leaf format por-leaf/1 (${OLD_LEAF_FORMATS["por-leaf/1"]}), refused; this verifier accepts ${LEAF_FORMAT} only`;
    }
    if (typeof value === "string" && value in OLD_LEAF_FORMATS) {
      return `leaf format ${value} (${OLD_LEAF_FORMATS[value]}) is refused; this verifier accepts ${LEAF_FORMAT} only`;
    }
    return `unknown leaf format; this verifier accepts ${LEAF_FORMAT} only`;
  }
  function blockSizeProblem(value, k, mode2 = "committed") {
    if (typeof value !== "bigint") return "block size is not an integer";
    const limit = mode2 === "committed" ? Math.floor(64 / Math.max(k, 1)) : 64;
    if (value < 1n || value & value - 1n) return `block size ${value} is not a power of two >= 1`;
    if (value > BigInt(limit)) return `block size ${value} is beyond the node-range statement's range (at most 64 claims per proof: a power of two <= ${limit} for ${k} column(s))`;
    return null;
  }

  // node_modules/@noble/curves/esm/abstract/edwards.js
  var _0n8 = BigInt(0);
  var _1n8 = BigInt(1);
  var _2n6 = BigInt(2);
  var _8n2 = BigInt(8);
  function isEdValidXY(Fp4, CURVE, x, y) {
    const x2 = Fp4.sqr(x);
    const y2 = Fp4.sqr(y);
    const left = Fp4.add(Fp4.mul(CURVE.a, x2), y2);
    const right = Fp4.add(Fp4.ONE, Fp4.mul(CURVE.d, Fp4.mul(x2, y2)));
    return Fp4.eql(left, right);
  }
  function edwards(params, extraOpts = {}) {
    const validated = _createCurveFields("edwards", params, extraOpts, extraOpts.FpFnLE);
    const { Fp: Fp4, Fn: Fn2 } = validated;
    let CURVE = validated.CURVE;
    const { h: cofactor } = CURVE;
    _validateObject(extraOpts, {}, { uvRatio: "function" });
    const MASK = _2n6 << BigInt(Fn2.BYTES * 8) - _1n8;
    const modP = (n) => Fp4.create(n);
    const uvRatio2 = extraOpts.uvRatio || ((u, v) => {
      try {
        return { isValid: true, value: Fp4.sqrt(Fp4.div(u, v)) };
      } catch (e) {
        return { isValid: false, value: _0n8 };
      }
    });
    if (!isEdValidXY(Fp4, CURVE, CURVE.Gx, CURVE.Gy))
      throw new Error("bad curve params: generator point");
    function acoord(title, n, banZero = false) {
      const min = banZero ? _1n8 : _0n8;
      aInRange("coordinate " + title, n, min, MASK);
      return n;
    }
    function aextpoint(other) {
      if (!(other instanceof Point))
        throw new Error("ExtendedPoint expected");
    }
    const toAffineMemo = memoized((p, iz) => {
      const { X, Y, Z } = p;
      const is0 = p.is0();
      if (iz == null)
        iz = is0 ? _8n2 : Fp4.inv(Z);
      const x = modP(X * iz);
      const y = modP(Y * iz);
      const zz = Fp4.mul(Z, iz);
      if (is0)
        return { x: _0n8, y: _1n8 };
      if (zz !== _1n8)
        throw new Error("invZ was invalid");
      return { x, y };
    });
    const assertValidMemo = memoized((p) => {
      const { a, d } = CURVE;
      if (p.is0())
        throw new Error("bad point: ZERO");
      const { X, Y, Z, T } = p;
      const X2 = modP(X * X);
      const Y2 = modP(Y * Y);
      const Z2 = modP(Z * Z);
      const Z4 = modP(Z2 * Z2);
      const aX2 = modP(X2 * a);
      const left = modP(Z2 * modP(aX2 + Y2));
      const right = modP(Z4 + modP(d * modP(X2 * Y2)));
      if (left !== right)
        throw new Error("bad point: equation left != right (1)");
      const XY = modP(X * Y);
      const ZT = modP(Z * T);
      if (XY !== ZT)
        throw new Error("bad point: equation left != right (2)");
      return true;
    });
    class Point {
      constructor(X, Y, Z, T) {
        this.X = acoord("x", X);
        this.Y = acoord("y", Y);
        this.Z = acoord("z", Z, true);
        this.T = acoord("t", T);
        Object.freeze(this);
      }
      static CURVE() {
        return CURVE;
      }
      static fromAffine(p) {
        if (p instanceof Point)
          throw new Error("extended point not allowed");
        const { x, y } = p || {};
        acoord("x", x);
        acoord("y", y);
        return new Point(x, y, _1n8, modP(x * y));
      }
      // Uses algo from RFC8032 5.1.3.
      static fromBytes(bytes, zip215 = false) {
        const len = Fp4.BYTES;
        const { a, d } = CURVE;
        bytes = copyBytes(_abytes2(bytes, len, "point"));
        _abool2(zip215, "zip215");
        const normed = copyBytes(bytes);
        const lastByte = bytes[len - 1];
        normed[len - 1] = lastByte & ~128;
        const y = bytesToNumberLE(normed);
        const max = zip215 ? MASK : Fp4.ORDER;
        aInRange("point.y", y, _0n8, max);
        const y2 = modP(y * y);
        const u = modP(y2 - _1n8);
        const v = modP(d * y2 - a);
        let { isValid, value: x } = uvRatio2(u, v);
        if (!isValid)
          throw new Error("bad point: invalid y coordinate");
        const isXOdd = (x & _1n8) === _1n8;
        const isLastByteOdd = (lastByte & 128) !== 0;
        if (!zip215 && x === _0n8 && isLastByteOdd)
          throw new Error("bad point: x=0 and x_0=1");
        if (isLastByteOdd !== isXOdd)
          x = modP(-x);
        return Point.fromAffine({ x, y });
      }
      static fromHex(bytes, zip215 = false) {
        return Point.fromBytes(ensureBytes("point", bytes), zip215);
      }
      get x() {
        return this.toAffine().x;
      }
      get y() {
        return this.toAffine().y;
      }
      precompute(windowSize = 8, isLazy = true) {
        wnaf.createCache(this, windowSize);
        if (!isLazy)
          this.multiply(_2n6);
        return this;
      }
      // Useful in fromAffine() - not for fromBytes(), which always created valid points.
      assertValidity() {
        assertValidMemo(this);
      }
      // Compare one point to another.
      equals(other) {
        aextpoint(other);
        const { X: X1, Y: Y1, Z: Z1 } = this;
        const { X: X2, Y: Y2, Z: Z2 } = other;
        const X1Z2 = modP(X1 * Z2);
        const X2Z1 = modP(X2 * Z1);
        const Y1Z2 = modP(Y1 * Z2);
        const Y2Z1 = modP(Y2 * Z1);
        return X1Z2 === X2Z1 && Y1Z2 === Y2Z1;
      }
      is0() {
        return this.equals(Point.ZERO);
      }
      negate() {
        return new Point(modP(-this.X), this.Y, this.Z, modP(-this.T));
      }
      // Fast algo for doubling Extended Point.
      // https://hyperelliptic.org/EFD/g1p/auto-twisted-extended.html#doubling-dbl-2008-hwcd
      // Cost: 4M + 4S + 1*a + 6add + 1*2.
      double() {
        const { a } = CURVE;
        const { X: X1, Y: Y1, Z: Z1 } = this;
        const A = modP(X1 * X1);
        const B = modP(Y1 * Y1);
        const C = modP(_2n6 * modP(Z1 * Z1));
        const D = modP(a * A);
        const x1y1 = X1 + Y1;
        const E = modP(modP(x1y1 * x1y1) - A - B);
        const G3 = D + B;
        const F = G3 - C;
        const H = D - B;
        const X3 = modP(E * F);
        const Y3 = modP(G3 * H);
        const T3 = modP(E * H);
        const Z3 = modP(F * G3);
        return new Point(X3, Y3, Z3, T3);
      }
      // Fast algo for adding 2 Extended Points.
      // https://hyperelliptic.org/EFD/g1p/auto-twisted-extended.html#addition-add-2008-hwcd
      // Cost: 9M + 1*a + 1*d + 7add.
      add(other) {
        aextpoint(other);
        const { a, d } = CURVE;
        const { X: X1, Y: Y1, Z: Z1, T: T1 } = this;
        const { X: X2, Y: Y2, Z: Z2, T: T2 } = other;
        const A = modP(X1 * X2);
        const B = modP(Y1 * Y2);
        const C = modP(T1 * d * T2);
        const D = modP(Z1 * Z2);
        const E = modP((X1 + Y1) * (X2 + Y2) - A - B);
        const F = D - C;
        const G3 = D + C;
        const H = modP(B - a * A);
        const X3 = modP(E * F);
        const Y3 = modP(G3 * H);
        const T3 = modP(E * H);
        const Z3 = modP(F * G3);
        return new Point(X3, Y3, Z3, T3);
      }
      subtract(other) {
        return this.add(other.negate());
      }
      // Constant-time multiplication.
      multiply(scalar) {
        if (!Fn2.isValidNot0(scalar))
          throw new Error("invalid scalar: expected 1 <= sc < curve.n");
        const { p, f } = wnaf.cached(this, scalar, (p2) => normalizeZ(Point, p2));
        return normalizeZ(Point, [p, f])[0];
      }
      // Non-constant-time multiplication. Uses double-and-add algorithm.
      // It's faster, but should only be used when you don't care about
      // an exposed private key e.g. sig verification.
      // Does NOT allow scalars higher than CURVE.n.
      // Accepts optional accumulator to merge with multiply (important for sparse scalars)
      multiplyUnsafe(scalar, acc = Point.ZERO) {
        if (!Fn2.isValid(scalar))
          throw new Error("invalid scalar: expected 0 <= sc < curve.n");
        if (scalar === _0n8)
          return Point.ZERO;
        if (this.is0() || scalar === _1n8)
          return this;
        return wnaf.unsafe(this, scalar, (p) => normalizeZ(Point, p), acc);
      }
      // Checks if point is of small order.
      // If you add something to small order point, you will have "dirty"
      // point with torsion component.
      // Multiplies point by cofactor and checks if the result is 0.
      isSmallOrder() {
        return this.multiplyUnsafe(cofactor).is0();
      }
      // Multiplies point by curve order and checks if the result is 0.
      // Returns `false` is the point is dirty.
      isTorsionFree() {
        return wnaf.unsafe(this, CURVE.n).is0();
      }
      // Converts Extended point to default (x, y) coordinates.
      // Can accept precomputed Z^-1 - for example, from invertBatch.
      toAffine(invertedZ) {
        return toAffineMemo(this, invertedZ);
      }
      clearCofactor() {
        if (cofactor === _1n8)
          return this;
        return this.multiplyUnsafe(cofactor);
      }
      toBytes() {
        const { x, y } = this.toAffine();
        const bytes = Fp4.toBytes(y);
        bytes[bytes.length - 1] |= x & _1n8 ? 128 : 0;
        return bytes;
      }
      toHex() {
        return bytesToHex(this.toBytes());
      }
      toString() {
        return `<Point ${this.is0() ? "ZERO" : this.toHex()}>`;
      }
      // TODO: remove
      get ex() {
        return this.X;
      }
      get ey() {
        return this.Y;
      }
      get ez() {
        return this.Z;
      }
      get et() {
        return this.T;
      }
      static normalizeZ(points) {
        return normalizeZ(Point, points);
      }
      static msm(points, scalars) {
        return pippenger(Point, Fn2, points, scalars);
      }
      _setWindowSize(windowSize) {
        this.precompute(windowSize);
      }
      toRawBytes() {
        return this.toBytes();
      }
    }
    Point.BASE = new Point(CURVE.Gx, CURVE.Gy, _1n8, modP(CURVE.Gx * CURVE.Gy));
    Point.ZERO = new Point(_0n8, _1n8, _1n8, _0n8);
    Point.Fp = Fp4;
    Point.Fn = Fn2;
    const wnaf = new wNAF(Point, Fn2.BITS);
    Point.BASE.precompute(8);
    return Point;
  }
  var PrimeEdwardsPoint = class {
    constructor(ep) {
      this.ep = ep;
    }
    // Static methods that must be implemented by subclasses
    static fromBytes(_bytes) {
      notImplemented();
    }
    static fromHex(_hex) {
      notImplemented();
    }
    get x() {
      return this.toAffine().x;
    }
    get y() {
      return this.toAffine().y;
    }
    // Common implementations
    clearCofactor() {
      return this;
    }
    assertValidity() {
      this.ep.assertValidity();
    }
    toAffine(invertedZ) {
      return this.ep.toAffine(invertedZ);
    }
    toHex() {
      return bytesToHex(this.toBytes());
    }
    toString() {
      return this.toHex();
    }
    isTorsionFree() {
      return true;
    }
    isSmallOrder() {
      return false;
    }
    add(other) {
      this.assertSame(other);
      return this.init(this.ep.add(other.ep));
    }
    subtract(other) {
      this.assertSame(other);
      return this.init(this.ep.subtract(other.ep));
    }
    multiply(scalar) {
      return this.init(this.ep.multiply(scalar));
    }
    multiplyUnsafe(scalar) {
      return this.init(this.ep.multiplyUnsafe(scalar));
    }
    double() {
      return this.init(this.ep.double());
    }
    negate() {
      return this.init(this.ep.negate());
    }
    precompute(windowSize, isLazy) {
      return this.init(this.ep.precompute(windowSize, isLazy));
    }
    /** @deprecated use `toBytes` */
    toRawBytes() {
      return this.toBytes();
    }
  };
  function eddsa(Point, cHash, eddsaOpts = {}) {
    if (typeof cHash !== "function")
      throw new Error('"hash" function param is required');
    _validateObject(eddsaOpts, {}, {
      adjustScalarBytes: "function",
      randomBytes: "function",
      domain: "function",
      prehash: "function",
      mapToCurve: "function"
    });
    const { prehash } = eddsaOpts;
    const { BASE, Fp: Fp4, Fn: Fn2 } = Point;
    const randomBytes2 = eddsaOpts.randomBytes || randomBytes;
    const adjustScalarBytes2 = eddsaOpts.adjustScalarBytes || ((bytes) => bytes);
    const domain = eddsaOpts.domain || ((data, ctx, phflag) => {
      _abool2(phflag, "phflag");
      if (ctx.length || phflag)
        throw new Error("Contexts/pre-hash are not supported");
      return data;
    });
    function modN_LE(hash) {
      return Fn2.create(bytesToNumberLE(hash));
    }
    function getPrivateScalar(key) {
      const len = lengths.secretKey;
      key = ensureBytes("private key", key, len);
      const hashed = ensureBytes("hashed private key", cHash(key), 2 * len);
      const head = adjustScalarBytes2(hashed.slice(0, len));
      const prefix = hashed.slice(len, 2 * len);
      const scalar = modN_LE(head);
      return { head, prefix, scalar };
    }
    function getExtendedPublicKey(secretKey) {
      const { head, prefix, scalar } = getPrivateScalar(secretKey);
      const point = BASE.multiply(scalar);
      const pointBytes = point.toBytes();
      return { head, prefix, scalar, point, pointBytes };
    }
    function getPublicKey(secretKey) {
      return getExtendedPublicKey(secretKey).pointBytes;
    }
    function hashDomainToScalar(context = Uint8Array.of(), ...msgs) {
      const msg = concatBytes(...msgs);
      return modN_LE(cHash(domain(msg, ensureBytes("context", context), !!prehash)));
    }
    function sign(msg, secretKey, options = {}) {
      msg = ensureBytes("message", msg);
      if (prehash)
        msg = prehash(msg);
      const { prefix, scalar, pointBytes } = getExtendedPublicKey(secretKey);
      const r = hashDomainToScalar(options.context, prefix, msg);
      const R2 = BASE.multiply(r).toBytes();
      const k = hashDomainToScalar(options.context, R2, pointBytes, msg);
      const s = Fn2.create(r + k * scalar);
      if (!Fn2.isValid(s))
        throw new Error("sign failed: invalid s");
      const rs = concatBytes(R2, Fn2.toBytes(s));
      return _abytes2(rs, lengths.signature, "result");
    }
    const verifyOpts = { zip215: true };
    function verify4(sig, msg, publicKey, options = verifyOpts) {
      const { context, zip215 } = options;
      const len = lengths.signature;
      sig = ensureBytes("signature", sig, len);
      msg = ensureBytes("message", msg);
      publicKey = ensureBytes("publicKey", publicKey, lengths.publicKey);
      if (zip215 !== void 0)
        _abool2(zip215, "zip215");
      if (prehash)
        msg = prehash(msg);
      const mid = len / 2;
      const r = sig.subarray(0, mid);
      const s = bytesToNumberLE(sig.subarray(mid, len));
      let A, R2, SB;
      try {
        A = Point.fromBytes(publicKey, zip215);
        R2 = Point.fromBytes(r, zip215);
        SB = BASE.multiplyUnsafe(s);
      } catch (error) {
        return false;
      }
      if (!zip215 && A.isSmallOrder())
        return false;
      const k = hashDomainToScalar(context, R2.toBytes(), A.toBytes(), msg);
      const RkA = R2.add(A.multiplyUnsafe(k));
      return RkA.subtract(SB).clearCofactor().is0();
    }
    const _size = Fp4.BYTES;
    const lengths = {
      secretKey: _size,
      publicKey: _size,
      signature: 2 * _size,
      seed: _size
    };
    function randomSecretKey(seed = randomBytes2(lengths.seed)) {
      return _abytes2(seed, lengths.seed, "seed");
    }
    function keygen(seed) {
      const secretKey = utils.randomSecretKey(seed);
      return { secretKey, publicKey: getPublicKey(secretKey) };
    }
    function isValidSecretKey(key) {
      return isBytes(key) && key.length === Fn2.BYTES;
    }
    function isValidPublicKey(key, zip215) {
      try {
        return !!Point.fromBytes(key, zip215);
      } catch (error) {
        return false;
      }
    }
    const utils = {
      getExtendedPublicKey,
      randomSecretKey,
      isValidSecretKey,
      isValidPublicKey,
      /**
       * Converts ed public key to x public key. Uses formula:
       * - ed25519:
       *   - `(u, v) = ((1+y)/(1-y), sqrt(-486664)*u/x)`
       *   - `(x, y) = (sqrt(-486664)*u/v, (u-1)/(u+1))`
       * - ed448:
       *   - `(u, v) = ((y-1)/(y+1), sqrt(156324)*u/x)`
       *   - `(x, y) = (sqrt(156324)*u/v, (1+u)/(1-u))`
       */
      toMontgomery(publicKey) {
        const { y } = Point.fromBytes(publicKey);
        const size = lengths.publicKey;
        const is25519 = size === 32;
        if (!is25519 && size !== 57)
          throw new Error("only defined for 25519 and 448");
        const u = is25519 ? Fp4.div(_1n8 + y, _1n8 - y) : Fp4.div(y - _1n8, y + _1n8);
        return Fp4.toBytes(u);
      },
      toMontgomerySecret(secretKey) {
        const size = lengths.secretKey;
        _abytes2(secretKey, size);
        const hashed = cHash(secretKey.subarray(0, size));
        return adjustScalarBytes2(hashed).subarray(0, size);
      },
      /** @deprecated */
      randomPrivateKey: randomSecretKey,
      /** @deprecated */
      precompute(windowSize = 8, point = Point.BASE) {
        return point.precompute(windowSize, false);
      }
    };
    return Object.freeze({
      keygen,
      getPublicKey,
      sign,
      verify: verify4,
      utils,
      Point,
      lengths
    });
  }
  function _eddsa_legacy_opts_to_new(c) {
    const CURVE = {
      a: c.a,
      d: c.d,
      p: c.Fp.ORDER,
      n: c.n,
      h: c.h,
      Gx: c.Gx,
      Gy: c.Gy
    };
    const Fp4 = c.Fp;
    const Fn2 = Field(CURVE.n, c.nBitLength, true);
    const curveOpts = { Fp: Fp4, Fn: Fn2, uvRatio: c.uvRatio };
    const eddsaOpts = {
      randomBytes: c.randomBytes,
      adjustScalarBytes: c.adjustScalarBytes,
      domain: c.domain,
      prehash: c.prehash,
      mapToCurve: c.mapToCurve
    };
    return { CURVE, curveOpts, hash: c.hash, eddsaOpts };
  }
  function _eddsa_new_output_to_legacy(c, eddsa2) {
    const Point = eddsa2.Point;
    const legacy = Object.assign({}, eddsa2, {
      ExtendedPoint: Point,
      CURVE: c,
      nBitLength: Point.Fn.BITS,
      nByteLength: Point.Fn.BYTES
    });
    return legacy;
  }
  function twistedEdwards(c) {
    const { CURVE, curveOpts, hash, eddsaOpts } = _eddsa_legacy_opts_to_new(c);
    const Point = edwards(CURVE, curveOpts);
    const EDDSA = eddsa(Point, hash, eddsaOpts);
    return _eddsa_new_output_to_legacy(c, EDDSA);
  }

  // node_modules/@noble/curves/esm/ed25519.js
  var _0n9 = /* @__PURE__ */ BigInt(0);
  var _1n9 = BigInt(1);
  var _2n7 = BigInt(2);
  var _3n6 = BigInt(3);
  var _5n2 = BigInt(5);
  var _8n3 = BigInt(8);
  var ed25519_CURVE_p = BigInt("0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed");
  var ed25519_CURVE = /* @__PURE__ */ (() => ({
    p: ed25519_CURVE_p,
    n: BigInt("0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed"),
    h: _8n3,
    a: BigInt("0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffec"),
    d: BigInt("0x52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3"),
    Gx: BigInt("0x216936d3cd6e53fec0a4e231fdd6dc5c692cc7609525a7b2c9562d608f25d51a"),
    Gy: BigInt("0x6666666666666666666666666666666666666666666666666666666666666658")
  }))();
  function ed25519_pow_2_252_3(x) {
    const _10n = BigInt(10), _20n = BigInt(20), _40n = BigInt(40), _80n = BigInt(80);
    const P2 = ed25519_CURVE_p;
    const x2 = x * x % P2;
    const b2 = x2 * x % P2;
    const b4 = pow2(b2, _2n7, P2) * b2 % P2;
    const b5 = pow2(b4, _1n9, P2) * x % P2;
    const b10 = pow2(b5, _5n2, P2) * b5 % P2;
    const b20 = pow2(b10, _10n, P2) * b10 % P2;
    const b40 = pow2(b20, _20n, P2) * b20 % P2;
    const b80 = pow2(b40, _40n, P2) * b40 % P2;
    const b160 = pow2(b80, _80n, P2) * b80 % P2;
    const b240 = pow2(b160, _80n, P2) * b80 % P2;
    const b250 = pow2(b240, _10n, P2) * b10 % P2;
    const pow_p_5_8 = pow2(b250, _2n7, P2) * x % P2;
    return { pow_p_5_8, b2 };
  }
  function adjustScalarBytes(bytes) {
    bytes[0] &= 248;
    bytes[31] &= 127;
    bytes[31] |= 64;
    return bytes;
  }
  var ED25519_SQRT_M1 = /* @__PURE__ */ BigInt("19681161376707505956807079304988542015446066515923890162744021073123829784752");
  function uvRatio(u, v) {
    const P2 = ed25519_CURVE_p;
    const v3 = mod(v * v * v, P2);
    const v7 = mod(v3 * v3 * v, P2);
    const pow = ed25519_pow_2_252_3(u * v7).pow_p_5_8;
    let x = mod(u * v3 * pow, P2);
    const vx2 = mod(v * x * x, P2);
    const root1 = x;
    const root2 = mod(x * ED25519_SQRT_M1, P2);
    const useRoot1 = vx2 === u;
    const useRoot2 = vx2 === mod(-u, P2);
    const noRoot = vx2 === mod(-u * ED25519_SQRT_M1, P2);
    if (useRoot1)
      x = root1;
    if (useRoot2 || noRoot)
      x = root2;
    if (isNegativeLE(x, P2))
      x = mod(-x, P2);
    return { isValid: useRoot1 || useRoot2, value: x };
  }
  var Fp3 = /* @__PURE__ */ (() => Field(ed25519_CURVE.p, { isLE: true }))();
  var Fn = /* @__PURE__ */ (() => Field(ed25519_CURVE.n, { isLE: true }))();
  var ed25519Defaults = /* @__PURE__ */ (() => ({
    ...ed25519_CURVE,
    Fp: Fp3,
    hash: sha512,
    adjustScalarBytes,
    // dom2
    // Ratio of u to v. Allows us to combine inversion and square root. Uses algo from RFC8032 5.1.3.
    // Constant-time, u/√v
    uvRatio
  }))();
  var ed25519 = /* @__PURE__ */ (() => twistedEdwards(ed25519Defaults))();
  var SQRT_M1 = ED25519_SQRT_M1;
  var SQRT_AD_MINUS_ONE = /* @__PURE__ */ BigInt("25063068953384623474111414158702152701244531502492656460079210482610430750235");
  var INVSQRT_A_MINUS_D = /* @__PURE__ */ BigInt("54469307008909316920995813868745141605393597292927456921205312896311721017578");
  var ONE_MINUS_D_SQ = /* @__PURE__ */ BigInt("1159843021668779879193775521855586647937357759715417654439879720876111806838");
  var D_MINUS_ONE_SQ = /* @__PURE__ */ BigInt("40440834346308536858101042469323190826248399146238708352240133220865137265952");
  var invertSqrt = (number) => uvRatio(_1n9, number);
  var MAX_255B = /* @__PURE__ */ BigInt("0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
  var bytes255ToNumberLE = (bytes) => ed25519.Point.Fp.create(bytesToNumberLE(bytes) & MAX_255B);
  function calcElligatorRistrettoMap(r0) {
    const { d } = ed25519_CURVE;
    const P2 = ed25519_CURVE_p;
    const mod3 = (n) => Fp3.create(n);
    const r = mod3(SQRT_M1 * r0 * r0);
    const Ns = mod3((r + _1n9) * ONE_MINUS_D_SQ);
    let c = BigInt(-1);
    const D = mod3((c - d * r) * mod3(r + d));
    let { isValid: Ns_D_is_sq, value: s } = uvRatio(Ns, D);
    let s_ = mod3(s * r0);
    if (!isNegativeLE(s_, P2))
      s_ = mod3(-s_);
    if (!Ns_D_is_sq)
      s = s_;
    if (!Ns_D_is_sq)
      c = r;
    const Nt = mod3(c * (r - _1n9) * D_MINUS_ONE_SQ - D);
    const s2 = s * s;
    const W0 = mod3((s + s) * D);
    const W1 = mod3(Nt * SQRT_AD_MINUS_ONE);
    const W2 = mod3(_1n9 - s2);
    const W3 = mod3(_1n9 + s2);
    return new ed25519.Point(mod3(W0 * W3), mod3(W2 * W1), mod3(W1 * W3), mod3(W0 * W2));
  }
  function ristretto255_map(bytes) {
    abytes(bytes, 64);
    const r1 = bytes255ToNumberLE(bytes.subarray(0, 32));
    const R1 = calcElligatorRistrettoMap(r1);
    const r2 = bytes255ToNumberLE(bytes.subarray(32, 64));
    const R2 = calcElligatorRistrettoMap(r2);
    return new _RistrettoPoint(R1.add(R2));
  }
  var _RistrettoPoint = class __RistrettoPoint extends PrimeEdwardsPoint {
    constructor(ep) {
      super(ep);
    }
    static fromAffine(ap) {
      return new __RistrettoPoint(ed25519.Point.fromAffine(ap));
    }
    assertSame(other) {
      if (!(other instanceof __RistrettoPoint))
        throw new Error("RistrettoPoint expected");
    }
    init(ep) {
      return new __RistrettoPoint(ep);
    }
    /** @deprecated use `import { ristretto255_hasher } from '@noble/curves/ed25519.js';` */
    static hashToCurve(hex2) {
      return ristretto255_map(ensureBytes("ristrettoHash", hex2, 64));
    }
    static fromBytes(bytes) {
      abytes(bytes, 32);
      const { a, d } = ed25519_CURVE;
      const P2 = ed25519_CURVE_p;
      const mod3 = (n) => Fp3.create(n);
      const s = bytes255ToNumberLE(bytes);
      if (!equalBytes(Fp3.toBytes(s), bytes) || isNegativeLE(s, P2))
        throw new Error("invalid ristretto255 encoding 1");
      const s2 = mod3(s * s);
      const u1 = mod3(_1n9 + a * s2);
      const u2 = mod3(_1n9 - a * s2);
      const u1_2 = mod3(u1 * u1);
      const u2_2 = mod3(u2 * u2);
      const v = mod3(a * d * u1_2 - u2_2);
      const { isValid, value: I } = invertSqrt(mod3(v * u2_2));
      const Dx = mod3(I * u2);
      const Dy = mod3(I * Dx * v);
      let x = mod3((s + s) * Dx);
      if (isNegativeLE(x, P2))
        x = mod3(-x);
      const y = mod3(u1 * Dy);
      const t = mod3(x * y);
      if (!isValid || isNegativeLE(t, P2) || y === _0n9)
        throw new Error("invalid ristretto255 encoding 2");
      return new __RistrettoPoint(new ed25519.Point(x, y, _1n9, t));
    }
    /**
     * Converts ristretto-encoded string to ristretto point.
     * Described in [RFC9496](https://www.rfc-editor.org/rfc/rfc9496#name-decode).
     * @param hex Ristretto-encoded 32 bytes. Not every 32-byte string is valid ristretto encoding
     */
    static fromHex(hex2) {
      return __RistrettoPoint.fromBytes(ensureBytes("ristrettoHex", hex2, 32));
    }
    static msm(points, scalars) {
      return pippenger(__RistrettoPoint, ed25519.Point.Fn, points, scalars);
    }
    /**
     * Encodes ristretto point to Uint8Array.
     * Described in [RFC9496](https://www.rfc-editor.org/rfc/rfc9496#name-encode).
     */
    toBytes() {
      let { X, Y, Z, T } = this.ep;
      const P2 = ed25519_CURVE_p;
      const mod3 = (n) => Fp3.create(n);
      const u1 = mod3(mod3(Z + Y) * mod3(Z - Y));
      const u2 = mod3(X * Y);
      const u2sq = mod3(u2 * u2);
      const { value: invsqrt } = invertSqrt(mod3(u1 * u2sq));
      const D1 = mod3(invsqrt * u1);
      const D2 = mod3(invsqrt * u2);
      const zInv = mod3(D1 * D2 * T);
      let D;
      if (isNegativeLE(T * zInv, P2)) {
        let _x = mod3(Y * SQRT_M1);
        let _y = mod3(X * SQRT_M1);
        X = _x;
        Y = _y;
        D = mod3(D1 * INVSQRT_A_MINUS_D);
      } else {
        D = D2;
      }
      if (isNegativeLE(X * zInv, P2))
        Y = mod3(-Y);
      let s = mod3((Z - Y) * D);
      if (isNegativeLE(s, P2))
        s = mod3(-s);
      return Fp3.toBytes(s);
    }
    /**
     * Compares two Ristretto points.
     * Described in [RFC9496](https://www.rfc-editor.org/rfc/rfc9496#name-equals).
     */
    equals(other) {
      this.assertSame(other);
      const { X: X1, Y: Y1 } = this.ep;
      const { X: X2, Y: Y2 } = other.ep;
      const mod3 = (n) => Fp3.create(n);
      const one = mod3(X1 * Y2) === mod3(Y1 * X2);
      const two = mod3(Y1 * Y2) === mod3(X1 * X2);
      return one || two;
    }
    is0() {
      return this.equals(__RistrettoPoint.ZERO);
    }
  };
  _RistrettoPoint.BASE = /* @__PURE__ */ (() => new _RistrettoPoint(ed25519.Point.BASE))();
  _RistrettoPoint.ZERO = /* @__PURE__ */ (() => new _RistrettoPoint(ed25519.Point.ZERO))();
  _RistrettoPoint.Fp = /* @__PURE__ */ (() => Fp3)();
  _RistrettoPoint.Fn = /* @__PURE__ */ (() => Fn)();

  // src/manifest.js
  var MANIFEST_FORMAT = "por-manifest/1";
  var SIGNATURE_DOMAIN = utf8("por/v1/manifest\0");
  var BundleError = class extends Error {
  };
  function keyId(publicHex) {
    return toHex(sha2562(utf8("por/v1/key-id"), pyFromHex(publicHex))).slice(0, 16);
  }
  function verifyEd25519(publicHex, message, signatureHex) {
    try {
      const pub = pyFromHex(publicHex), sig = pyFromHex(signatureHex);
      if (pub.length !== 32 || sig.length !== 64) return false;
      return ed25519.verify(sig, message, pub, { zip215: false });
    } catch {
      return false;
    }
  }
  var Manifest = class _Manifest {
    constructor(signed2, signatures, bodyBytes) {
      this.signed = signed2;
      this.signatures = signatures;
      this.bodyBytes = bodyBytes;
      this.sha256 = toHex(sha2562(bodyBytes));
    }
    /** Parse strictly (Manifest.from_bytes): canonical bytes, known format, the fields readers need. */
    static fromBytes(data) {
      let doc;
      try {
        const text2 = utf8Decode(data);
        doc = parseJson(text2, { allowFloats: false, allowConstants: false });
        if (canonicalDumps(doc) !== text2) throw new JsonError("JSON is not in canonical form (sorted keys, no whitespace)");
      } catch (e) {
        throw new BundleError(`manifest.json: ${e.message}`);
      }
      if (!isObj(doc) || Object.keys(doc).length !== 2 || !has(doc, "signed") || !has(doc, "signatures")) {
        throw new BundleError("manifest.json: expected exactly the members 'signed' and 'signatures'");
      }
      const signed2 = doc.signed, sigs = doc.signatures;
      if (!isObj(signed2) || !Array.isArray(sigs)) throw new BundleError("manifest.json: 'signed' must be an object and 'signatures' a list");
      const fmt = get(signed2, "format");
      if (typeof fmt !== "string" || !fmt.startsWith("por-manifest/")) throw new BundleError("manifest.json: missing or unknown 'format'");
      if (fmt.split("/").slice(1).join("/").split(".")[0] !== "1") throw new BundleError(`manifest.json: unsupported major version (this reader: ${MANIFEST_FORMAT})`);
      for (const name2 of ["epoch_id", "protocol", "files", "tree", "nonce"]) {
        if (!has(signed2, name2)) throw new BundleError(`manifest.json: missing field '${name2}'`);
      }
      if (signed2.protocol !== "por-v1") throw new BundleError("manifest.json: protocol is not 'por-v1' (this reader's)");
      if (typeof signed2.epoch_id !== "string") throw new BundleError("manifest.json: 'epoch_id' must be a string");
      const seq = has(signed2, "journal_seq") ? signed2.journal_seq : 1n;
      if (typeof seq !== "bigint" || seq < 1n) throw new BundleError("manifest.json: 'journal_seq' must be an integer >= 1");
      if (!isObj(signed2.files)) throw new BundleError("manifest.json: 'files' must be an object");
      if (!sigs.every(isObj)) throw new BundleError("manifest.json: every signature must be an object");
      return new _Manifest(signed2, sigs, utf8(canonicalDumps(signed2)));
    }
    signingMessage() {
      return concat(SIGNATURE_DOMAIN, this.bodyBytes);
    }
    signaturesBy(role) {
      return this.signatures.filter((s) => get(s, "role") === role);
    }
    verifySignature(sig, expectedPublicHex = null) {
      const pub = get(sig, "public_key");
      if (typeof pub !== "string" || typeof get(sig, "signature") !== "string") return false;
      if (expectedPublicHex !== null && pub.toLowerCase() !== expectedPublicHex.toLowerCase()) return false;
      if (!verifyEd25519(pub, this.signingMessage(), sig.signature)) return false;
      try {
        return get(sig, "key_id") === keyId(pub.toLowerCase());
      } catch {
        return false;
      }
    }
  };

  // src/pedersen.js
  var pedersen_exports = {};
  __export(pedersen_exports, {
    combine: () => combine,
    commit: () => commit,
    commitPoint: () => commitPoint
  });

  // src/generators.js
  var generators_exports = {};
  __export(generators_exports, {
    PEDERSEN_G: () => PEDERSEN_G,
    bulletproofGens: () => bulletproofGens,
    ensureGens: () => ensureGens,
    pedersenH: () => pedersenH
  });
  var PEDERSEN_G = G;
  var _H = null;
  function pedersenH() {
    return _H || (_H = hashToG1(utf8("por/v1/pedersen/H")));
  }
  var BP_G = [];
  var BP_H = [];
  var LG = utf8("por/v1/bp/G/");
  var LH = utf8("por/v1/bp/H/");
  function bulletproofGens(size, onProgress) {
    while (BP_G.length < size) {
      const i = BP_G.length;
      BP_G.push(hashToG1(concat(LG, u32(i))));
      BP_H.push(hashToG1(concat(LH, u32(i))));
      if (onProgress && i % 64 === 0) onProgress(i, size);
    }
    return [BP_G.slice(0, size), BP_H.slice(0, size)];
  }
  async function ensureGens(size, onProgress) {
    while (BP_G.length < size) {
      const stop = Math.min(size, BP_G.length + 64);
      while (BP_G.length < stop) {
        const i = BP_G.length;
        BP_G.push(hashToG1(concat(LG, u32(i))));
        BP_H.push(hashToG1(concat(LH, u32(i))));
      }
      if (onProgress) await onProgress(BP_G.length, size);
    }
  }

  // src/pedersen.js
  function commitPoint(value, blinding2) {
    return msm([PEDERSEN_G, pedersenH()], [mod2(value), mod2(blinding2)]);
  }
  function commit(value, blinding2) {
    return encode(commitPoint(value, blinding2));
  }
  function combine(commitments, coefficients, constant = 0n) {
    const pts = commitments.map((c) => decode(c, true));
    const sc = coefficients.map(mod2);
    if (mod2(constant) !== 0n) {
      pts.push(PEDERSEN_G);
      sc.push(mod2(constant));
    }
    return encode(msm(pts, sc));
  }

  // src/shape.js
  var ShapeError = class extends Error {
  };
  var fail = (at, msg) => {
    throw new ShapeError(`${at}: ${msg}`);
  };
  var HEX32 = /^[0-9a-f]{64}$/;
  var HEX_BYTES = /^(?:[0-9a-f]{2})*$/;
  var B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$/;
  var DEC = /^(0|[1-9][0-9]{0,39})$/;
  var DEC_U64 = /^(0|[1-9][0-9]{0,19})$/;
  var COLUMN_VALUE = /^(?:[0-9a-f]{96}|0|[1-9][0-9]{0,39})$/;
  var ASSET = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
  var STATEMENT_ID = /^[a-z][a-z0-9-]{0,62}$/;
  var STORE = /^[^./\\][^/\\]*$/;
  var TEXT = /^[^\x00-\x1f\x7f]+$/;
  var BITS = [8n, 16n, 32n, 64n, 128n];
  function obj(v, at, required, optional = [], nullable = []) {
    if (!isObj(v)) fail(at, "must be an object");
    for (const k of Object.keys(v)) if (![...required, ...optional, ...nullable].includes(k)) fail(`${at}.${k}`, "unknown field");
    for (const k of required) if (!has(v, k)) fail(`${at}.${k}`, "is missing");
    for (const k of optional) if (has(v, k) && v[k] === null) fail(`${at}.${k}`, "must be left out rather than null");
    return v;
  }
  function list(v, at) {
    if (!Array.isArray(v)) fail(at, "must be a list");
    return v;
  }
  function str(v, at, re, what) {
    if (typeof v !== "string" || !re.test(v)) fail(at, what);
    return v;
  }
  function int(v, at, lo, hi = null) {
    if (typeof v !== "bigint" || v < lo || hi !== null && v > hi) fail(at, hi === null ? `must be an integer >= ${lo}` : `must be an integer from ${lo} to ${hi}`);
    return v;
  }
  function utf8Bytes(s) {
    return new TextEncoder().encode(s).length;
  }
  function text(v, at, max) {
    if (typeof v !== "string" || !v.length || hasLoneSurrogate(v) || utf8Bytes(v) > max) fail(at, `must be 1 to ${max} bytes of UTF-8`);
    return v;
  }
  function map(v, at, keyRe, value) {
    if (!isObj(v)) fail(at, "must be an object");
    for (const [k, x] of Object.entries(v)) {
      str(k, `${at} (the key)`, keyRe, "bad key");
      value(x, `${at}.${k}`);
    }
    return v;
  }
  function leafFormat(v, at) {
    const bad = checkLeafFormat(v);
    if (bad) fail(at, bad);
  }
  function columns(v, at) {
    list(v, at);
    if (!v.length) fail(at, "must list at least 1 item(s)");
    const seen = /* @__PURE__ */ new Set();
    v.forEach((c, i) => {
      if (!Array.isArray(c) || c.length !== 2) fail(`${at}[${i}]`, "must be [asset, kind]");
      str(c[0], `${at}[${i}][0]`, ASSET, "must be an asset code");
      if (!["equity", "debt"].includes(c[1])) fail(`${at}[${i}][1]`, "must be equity or debt");
      const key = `${c[0]}\0${c[1]}`;
      if (seen.has(key)) fail(at, `(${c[0]}, ${c[1]}) appears twice`);
      seen.add(key);
    });
  }
  function statementRef(v, at) {
    obj(v, at, ["id", "version", "sha256", "bits"]);
    str(v.id, `${at}.id`, STATEMENT_ID, "must be a statement id");
    int(v.version, `${at}.version`, 1n, 2n ** 31n - 1n);
    str(v.sha256, `${at}.sha256`, HEX32, "must be 32 bytes of lower-case hex");
    if (typeof v.bits !== "bigint" || !BITS.includes(v.bits)) fail(`${at}.bits`, "must be one of 8, 16, 32, 64, 128");
  }
  var statements = (v, at) => map(v, at, STATEMENT_ID, statementRef);
  function blockAndRoot(mode2, k, blockSize, root, rootAt) {
    const bad = blockSizeProblem(blockSize, k, mode2);
    if (bad) fail("block_size", bad);
    if (root.length !== k) fail(rootAt, `must list ${k} columns`);
    if (mode2 === "committed" && !root.every((x) => x.length === 96)) fail(rootAt, "must be 48-byte hex commitments");
    if (mode2 === "plain" && root.some((x) => x.length === 96)) fail(rootAt, "must be decimal sums");
  }
  var mode = (v, at) => {
    if (!MODES.includes(v)) fail(at, "must be committed or plain");
  };
  var columnValues = (v, at) => list(v, at).forEach((x, i) => str(x, `${at}[${i}]`, COLUMN_VALUE, "must be a commitment or a sum"));
  var b64 = (v, at) => {
    if (typeof v !== "string" || v.length < 4 || !B64.test(v)) fail(at, "must be standard base64");
  };
  function checkTreeDescription(t, at = "tree") {
    if (isObj(t) && !has(t, "leaf_format")) leafFormat(null, `${at}.leaf_format`);
    obj(t, at, [
      "mode",
      "epoch_id",
      "columns",
      "height",
      "block_size",
      "root_hash",
      "root",
      "context",
      "statements",
      "leaf_format",
      "store"
    ], ["proof_encoding", "leaf_count"]);
    mode(t.mode, `${at}.mode`);
    text(t.epoch_id, `${at}.epoch_id`, 256);
    if (!TEXT.test(t.epoch_id)) fail(`${at}.epoch_id`, "control characters");
    columns(t.columns, `${at}.columns`);
    int(t.height, `${at}.height`, 1n, 40n);
    int(t.block_size, `${at}.block_size`, 1n, 64n);
    str(t.root_hash, `${at}.root_hash`, HEX32, "must be 32 bytes of lower-case hex");
    columnValues(t.root, `${at}.root`);
    str(t.context, `${at}.context`, HEX_BYTES, "must be lower-case hex");
    statements(t.statements, `${at}.statements`);
    leafFormat(t.leaf_format, `${at}.leaf_format`);
    str(t.store, `${at}.store`, STORE, "must name a file of the bundle's top level");
    if (has(t, "proof_encoding") && !["linear", "compressed"].includes(t.proof_encoding)) fail(`${at}.proof_encoding`, "bad");
    if (has(t, "leaf_count")) int(t.leaf_count, `${at}.leaf_count`, 1n);
    blockAndRoot(t.mode, t.columns.length, t.block_size, t.root, `${at}.root`);
  }
  function entry(e, level, k, committed) {
    const at = `path[${level}]`;
    obj(e, at, ["level", "sibling"], ["block"]);
    int(e.level, `${at}.level`, 0n, 39n);
    const sib = obj(e.sibling, `${at}.sibling`, ["columns"], ["leaf_id", "children"]);
    if (has(sib, "leaf_id")) str(sib.leaf_id, `${at}.sibling.leaf_id`, HEX32, "must be 32 bytes of hex");
    if (has(sib, "children")) {
      list(sib.children, `${at}.sibling.children`);
      if (sib.children.length !== 2) fail(`${at}.sibling.children`, "must list 2 hashes");
      sib.children.forEach((c, i) => str(c, `${at}.sibling.children[${i}]`, HEX32, "must be 32 bytes of hex"));
    }
    columnValues(sib.columns, `${at}.sibling.columns`);
    if (has(e, "block")) {
      const b = obj(e.block, `${at}.block`, ["index", "commitments", "proof"]);
      int(b.index, `${at}.block.index`, 0n, 2n ** 62n - 1n);
      b64(b.commitments, `${at}.block.commitments`);
      if (b.proof !== null) b64(b.proof, `${at}.block.proof`);
    }
    if (e.level !== BigInt(level)) fail(`${at}.level`, `must be ${level}`);
    if (level === 0 && (!has(sib, "leaf_id") || has(sib, "children"))) fail(`${at}.sibling`, "leaf_id at level 0");
    if (level > 0 && (!has(sib, "children") || has(sib, "leaf_id"))) fail(`${at}.sibling`, "children above level 0");
    if (sib.columns.length !== k) fail(`${at}.sibling.columns`, `must list ${k} columns`);
    if (committed) {
      if (sib.columns.some((c) => c.length !== 96)) fail(`${at}.sibling.columns`, "must be commitments");
      if (!has(e, "block")) fail(`${at}.block`, "is missing");
    } else {
      if (sib.columns.some((c) => c.length === 96)) fail(`${at}.sibling.columns`, "must be sums");
      if (has(e, "block")) fail(`${at}.block`, "not in plain mode");
    }
  }
  function checkClientProof(p) {
    if (isObj(p) && !has(p, "leaf_format")) leafFormat(null, "leaf_format");
    obj(p, "proof", [
      "format",
      "leaf_format",
      "protocol",
      "mode",
      "epoch_id",
      "columns",
      "account_id",
      "height",
      "block_size",
      "context",
      "values",
      "leaf_secret",
      "position",
      "path",
      "root",
      "statements",
      "collateral"
    ], ["manifest_sha256"]);
    leafFormat(p.leaf_format, "leaf_format");
    if (p.protocol !== "por-v1") fail("protocol", "must be por-v1");
    mode(p.mode, "mode");
    text(p.epoch_id, "epoch_id", 256);
    if (!TEXT.test(p.epoch_id)) fail("epoch_id", "control characters");
    columns(p.columns, "columns");
    text(p.account_id, "account_id", 1024);
    int(p.height, "height", 1n, 40n);
    int(p.block_size, "block_size", 1n, 64n);
    str(p.context, "context", HEX_BYTES, "must be lower-case hex");
    list(p.values, "values").forEach((v, i) => {
      str(v, `values[${i}]`, DEC_U64, "must be a decimal string");
      if (BigInt(v) >= 1n << 64n) fail(`values[${i}]`, "is >= 2^64");
    });
    str(p.leaf_secret, "leaf_secret", HEX32, "must be 32 bytes of hex");
    int(p.position, "position", 0n, 2n ** 40n - 1n);
    list(p.path, "path");
    const root = obj(p.root, "root", ["hash", "columns"]);
    str(root.hash, "root.hash", HEX32, "must be 32 bytes of hex");
    columnValues(root.columns, "root.columns");
    statements(p.statements, "statements");
    if (p.collateral !== null) {
      const c = obj(p.collateral, "collateral", ["prices", "haircuts_bps"], [], ["proof"]);
      map(c.prices, "collateral.prices", ASSET, (v, at) => str(v, at, DEC, "must be a decimal string"));
      map(c.haircuts_bps, "collateral.haircuts_bps", ASSET, (v, at) => int(v, at, 0n, 10000n));
      if (has(c, "proof") && c.proof !== null) b64(c.proof, "collateral.proof");
    }
    if (has(p, "manifest_sha256")) str(p.manifest_sha256, "manifest_sha256", HEX32, "must be 32 bytes of hex");
    const k = p.columns.length, committed = p.mode === "committed";
    const bad = blockSizeProblem(p.block_size, k, p.mode);
    if (bad) fail("block_size", bad);
    if (p.values.length !== k) fail("values", `must list ${k} values`);
    if (p.position >= 2n ** p.height) fail("position", "beyond the tree");
    if (p.path.length !== Number(p.height)) fail("path", `must list ${p.height} levels`);
    p.path.forEach((e, level) => entry(e, level, k, committed));
    blockAndRoot(p.mode, k, p.block_size, root.columns, "root.columns");
    if (p.collateral !== null && has(p.collateral, "proof") !== committed) fail("collateral.proof", "committed mode only");
  }
  var I63 = (1n << 63n) - 1n;
  var U128 = 1n << 128n;
  var MEMBER = /^[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,127}$/;
  var MANIFEST_FORMAT2 = /^por-manifest\/1(?:\.[0-9]+)?$/;
  var TIME = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z$/;
  var LEDGER_TIME = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\.[0-9]{6}Z$/;
  var HEX8 = /^[0-9a-f]{16}$/;
  var HEX64 = /^[0-9a-f]{128}$/;
  var REASONS = [
    "counted",
    "malformed",
    "wrong-epoch",
    "wrong-nonce",
    "outside-window",
    "no-policy",
    "custodian-not-in-policy",
    "unknown-custodian",
    "no-custodian-role",
    "revoked-key",
    "unknown-signer",
    "signer-not-in-policy",
    "key-mismatch",
    "no-pop",
    "bad-signature",
    "custodian-did-not-sign",
    "quorum-short",
    "duplicate"
  ];
  var MAX_PROOF_PATH = 128;
  var hex32 = (v, at) => str(v, at, HEX32, "must be 32 bytes of lower-case hex");
  var asset = (v, at) => str(v, at, ASSET, "must be an asset code");
  var member = (v, at) => str(v, at, MEMBER, "must be a member id");
  var count = (v, at) => int(v, at, 0n, I63);
  var seqno = (v, at) => int(v, at, 1n, I63);
  var decimals = (v, at) => int(v, at, 0n, 18n);
  var bps = (v, at) => int(v, at, 0n, 10000n);
  var amount = (v, at) => int(v, at, 0n, U128 - 1n);
  function oneOf(v, at, allowed) {
    if (typeof v !== "string" || !allowed.includes(v)) fail(at, `must be one of ${allowed.join(", ")}`);
    return v;
  }
  function name(v, at) {
    text(v, at, 256);
    if (!TEXT.test(v)) fail(at, "control characters");
    return v;
  }
  function listOf(v, at, item, min = 0, max = Infinity) {
    list(v, at);
    if (v.length < min) fail(at, `must list at least ${min} item(s)`);
    if (v.length > max) fail(at, `must list at most ${max} item(s)`);
    v.forEach((x, i) => item(x, `${at}[${i}]`));
    return v;
  }
  function mapOf(v, at, key, value) {
    if (!isObj(v)) fail(at, "must be an object");
    for (const [k, x] of Object.entries(v)) {
      key(k, `${at} (the key)`);
      value(x, `${at}.${k}`);
    }
    return v;
  }
  function time(v, at, re, what) {
    const m = typeof v === "string" ? re.exec(v) : null;
    if (!m) fail(at, what);
    const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
    const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
    const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days || h > 23 || mi > 59 || s > 59) fail(at, what);
    return v;
  }
  var utcTime = (v, at) => time(v, at, TIME, "must be a UTC time YYYY-MM-DDTHH:MM:SSZ");
  var ledgerTime = (v, at) => time(v, at, LEDGER_TIME, "must be a ledger time YYYY-MM-DDTHH:MM:SS.ffffffZ");
  function checkLedgerLog(v, at) {
    obj(v, at, ["size", "root", "previous", "consistency_proof"]);
    seqno(v.size, `${at}.size`);
    hex32(v.root, `${at}.root`);
    if (v.previous !== null) {
      const p2 = obj(v.previous, `${at}.previous`, ["epoch_id", "size", "root"]);
      name(p2.epoch_id, `${at}.previous.epoch_id`);
      seqno(p2.size, `${at}.previous.size`);
      hex32(p2.root, `${at}.previous.root`);
    }
    if (v.consistency_proof === null) return;
    const c = obj(v.consistency_proof, `${at}.consistency_proof`, ["type", "old_size", "new_size", "old_root", "new_root", "proof"]);
    if (c.type !== "por-log-consistency/1") fail(`${at}.consistency_proof.type`, "must be por-log-consistency/1");
    for (const f of ["old_size", "new_size"]) count(c[f], `${at}.consistency_proof.${f}`);
    for (const f of ["old_root", "new_root"]) hex32(c[f], `${at}.consistency_proof.${f}`);
    if (c.proof === null) return;
    const pa = `${at}.consistency_proof.proof`;
    const p = obj(c.proof, pa, ["type", "metadata", "rule", "subset", "path"]);
    if (p.type !== "consistency") fail(`${pa}.type`, "must be consistency");
    const md = obj(p.metadata, `${pa}.metadata`, ["algorithm", "security", "size", "prior_size"]);
    if (md.algorithm !== "sha256") fail(`${pa}.metadata.algorithm`, "must be sha256");
    if (md.security !== true) fail(`${pa}.metadata.security`, "must be true");
    count(md.size, `${pa}.metadata.size`);
    count(md.prior_size, `${pa}.metadata.prior_size`);
    const bit = (x, a) => int(x, a, 0n, 1n);
    listOf(p.rule, `${pa}.rule`, bit, 0, MAX_PROOF_PATH);
    listOf(p.subset, `${pa}.subset`, bit, 0, MAX_PROOF_PATH);
    listOf(p.path, `${pa}.path`, hex32, 0, MAX_PROOF_PATH);
  }
  function checkEpochContext(v, at) {
    obj(v, at, ["epoch_id", "nonce", "window_start", "window_end"]);
    name(v.epoch_id, `${at}.epoch_id`);
    hex32(v.nonce, `${at}.nonce`);
    utcTime(v.window_start, `${at}.window_start`);
    utcTime(v.window_end, `${at}.window_end`);
    if (v.window_start > v.window_end) fail(`${at}.window_end`, "must not be before window_start");
  }
  function checkReservePolicy(v, at) {
    obj(v, at, ["custodians", "signers", "quorum"]);
    listOf(v.custodians, `${at}.custodians`, member, 1);
    listOf(v.signers, `${at}.signers`, member);
    int(v.quorum, `${at}.quorum`, 1n);
    const n = (/* @__PURE__ */ new Set([...v.signers, ...v.custodians])).size;
    if (v.quorum > BigInt(n)) fail(`${at}.quorum`, `must be at most ${n}, the number of signers and custodians`);
  }
  function checkPricePolicy(v, at) {
    obj(v, at, ["oracles", "quorum", "max_age_seconds", "max_dispersion_bps", "max_skew_seconds"]);
    listOf(v.oracles, `${at}.oracles`, member);
    int(v.quorum, `${at}.quorum`, 1n);
    int(v.max_age_seconds, `${at}.max_age_seconds`, 1n);
    int(v.max_dispersion_bps, `${at}.max_dispersion_bps`, 0n);
    int(v.max_skew_seconds, `${at}.max_skew_seconds`, 0n);
    const n = Math.max(1, v.oracles.length);
    if (v.quorum > BigInt(n)) fail(`${at}.quorum`, `must be at most ${n}, the number of oracles`);
  }
  function checkReservesConfig(v, at) {
    obj(v, at, ["format", "reporting_currency", "reporting_decimals", "assets"]);
    if (v.format !== "por-reserves-config/1") fail(`${at}.format`, "must be por-reserves-config/1");
    asset(v.reporting_currency, `${at}.reporting_currency`);
    decimals(v.reporting_decimals, `${at}.reporting_decimals`);
    mapOf(v.assets, `${at}.assets`, asset, (a, aa) => {
      obj(a, aa, ["decimals", "haircut_bps"], ["reserve", "price"]);
      decimals(a.decimals, `${aa}.decimals`);
      bps(a.haircut_bps, `${aa}.haircut_bps`);
      if (has(a, "reserve")) checkReservePolicy(a.reserve, `${aa}.reserve`);
      if (has(a, "price")) checkPricePolicy(a.price, `${aa}.price`);
    });
  }
  function checkReserves(v, at) {
    mapOf(v, at, name, (r, ra) => {
      obj(r, ra, ["amount", "custodians"]);
      amount(r.amount, `${ra}.amount`);
      listOf(r.custodians, `${ra}.custodians`, (c, ca) => {
        obj(c, ca, ["custodian_id", "amount", "counted", "reason", "signers"]);
        name(c.custodian_id, `${ca}.custodian_id`);
        amount(c.amount, `${ca}.amount`);
        if (typeof c.counted !== "boolean") fail(`${ca}.counted`, "must be true or false");
        oneOf(c.reason, `${ca}.reason`, REASONS);
        listOf(c.signers, `${ca}.signers`, name);
      });
    });
  }
  function filePath(k, at) {
    if (typeof k !== "string" || hasLoneSurrogate(k)) fail(at, "must be a file path of the bundle");
    const n = [...k].length;
    if (n < 1 || n > 4096) fail(at, "must be a file path of the bundle");
  }
  var BODY = [
    "format",
    "protocol",
    "epoch_id",
    "journal_seq",
    "cutoff_time",
    "nonce",
    "ledger_log",
    "columns",
    "assets",
    "reporting_currency",
    "reporting_decimals",
    "tree",
    "statements",
    "disclosure",
    "epoch_context",
    "reserves_config",
    "reserves_config_ref",
    "reserves",
    "prices",
    "haircuts_bps",
    "collateral_prices",
    "previous",
    "created_at",
    "files"
  ];
  function checkBodyFields(s) {
    if (typeof s.format !== "string" || !MANIFEST_FORMAT2.test(s.format)) fail("signed.format", "must be por-manifest/1 (or por-manifest/1.N)");
    if (s.protocol !== "por-v1") fail("signed.protocol", "must be por-v1");
    name(s.epoch_id, "signed.epoch_id");
    int(s.journal_seq, "signed.journal_seq", 1n, I63);
    ledgerTime(s.cutoff_time, "signed.cutoff_time");
    hex32(s.nonce, "signed.nonce");
    checkLedgerLog(s.ledger_log, "signed.ledger_log");
    listOf(s.columns, "signed.columns", (c, at) => {
      obj(c, at, ["asset", "kind"]);
      asset(c.asset, `${at}.asset`);
      oneOf(c.kind, `${at}.kind`, ["equity", "debt"]);
    }, 1);
    mapOf(s.assets, "signed.assets", asset, (v, at) => {
      obj(v, at, ["decimals"]);
      decimals(v.decimals, `${at}.decimals`);
    });
    asset(s.reporting_currency, "signed.reporting_currency");
    decimals(s.reporting_decimals, "signed.reporting_decimals");
    checkTreeDescription(s.tree, "signed.tree");
    mapOf(s.statements, "signed.statements", (k, at) => str(k, at, STATEMENT_ID, "bad key"), (v, at) => {
      obj(v, at, ["version", "sha256"]);
      int(v.version, `${at}.version`, 1n, 2n ** 31n - 1n);
      hex32(v.sha256, `${at}.sha256`);
    });
    oneOf(s.disclosure, "signed.disclosure", ["hidden", "auditor", "public"]);
    checkEpochContext(s.epoch_context, "signed.epoch_context");
    checkReservesConfig(s.reserves_config, "signed.reserves_config");
    const ref = obj(s.reserves_config_ref, "signed.reserves_config_ref", ["seq", "entry_hash", "sha256"]);
    int(ref.seq, "signed.reserves_config_ref.seq", 1n);
    hex32(ref.entry_hash, "signed.reserves_config_ref.entry_hash");
    hex32(ref.sha256, "signed.reserves_config_ref.sha256");
    checkReserves(s.reserves, "signed.reserves");
    mapOf(s.prices, "signed.prices", asset, (v, at) => int(v, at, 1n, U128 - 1n));
    mapOf(s.haircuts_bps, "signed.haircuts_bps", asset, bps);
    mapOf(s.collateral_prices, "signed.collateral_prices", asset, (v, at) => int(v, at, 1n));
    if (s.previous !== null) {
      const p = obj(s.previous, "signed.previous", ["epoch_id", "size", "root", "manifest_sha256"]);
      name(p.epoch_id, "signed.previous.epoch_id");
      seqno(p.size, "signed.previous.size");
      hex32(p.root, "signed.previous.root");
      hex32(p.manifest_sha256, "signed.previous.manifest_sha256");
    }
    utcTime(s.created_at, "signed.created_at");
    if (has(s, "liabilities")) {
      mapOf(s.liabilities, "signed.liabilities", asset, (v, at) => mapOf(
        v,
        at,
        (k, ka) => oneOf(k, ka, ["equity", "debt"]),
        (x, xa) => int(x, xa, 0n, (1n << 64n) - 1n)
      ));
    }
    mapOf(s.files, "signed.files", filePath, (v, at) => {
      obj(v, at, ["sha256", "size"]);
      hex32(v.sha256, `${at}.sha256`);
      count(v.size, `${at}.size`);
    });
  }
  function checkManifestBody(s) {
    obj(s, "signed", BODY, ["liabilities"]);
    checkBodyFields(s);
    const pairs = s.columns.map((c) => `${c.asset}\0${c.kind}`);
    if (new Set(pairs).size !== pairs.length) fail("signed.columns", "repeat a column");
    if (s.tree.epoch_id !== s.epoch_id) fail("signed.tree.epoch_id", "names another epoch");
    const treePairs = s.tree.columns.map((c) => `${c[0]}\0${c[1]}`);
    if (treePairs.length !== pairs.length || treePairs.some((x, i) => x !== pairs[i])) fail("signed.columns", "are not the tree's columns");
    for (const c of s.columns) {
      if (!has(s.assets, c.asset)) fail("signed.assets", `no decimals for ${c.asset}`);
      if (!has(s.prices, c.asset)) fail("signed.prices", `no price of record for ${c.asset}`);
    }
  }
  function checkManifest(doc) {
    obj(doc, "manifest", ["signed", "signatures"]);
    checkManifestBody(doc.signed);
    listOf(doc.signatures, "signatures", (g, at) => {
      obj(g, at, ["role", "signer", "public_key", "key_id", "signature"]);
      oneOf(g.role, `${at}.role`, ["operator", "auditor"]);
      member(g.signer, `${at}.signer`);
      hex32(g.public_key, `${at}.public_key`);
      str(g.key_id, `${at}.key_id`, HEX8, "must be 8 bytes of lower-case hex");
      str(g.signature, `${at}.signature`, HEX64, "must be 64 bytes of lower-case hex");
    });
    const keys = doc.signatures.map((g) => `${g.role}\0${g.public_key}`);
    if (new Set(keys).size !== keys.length) fail("signatures", "repeat a signature by one key in one role");
  }

  // src/reserves.js
  var CONFIG_FORMAT = "por-reserves-config/1";
  var DEFAULT_HAIRCUT_BPS = 7500n;
  var TermsError = class extends Error {
  };
  var isPyInt = (v) => typeof v === "bigint";
  function strList(x, what) {
    if (!Array.isArray(x) || !x.every((i) => typeof i === "string" && i)) throw new TermsError(`${what} must be a list of non-empty strings`);
  }
  function reservesConfig(d) {
    if (!isObj(d) || !pyEq(get(d, "format"), CONFIG_FORMAT) || !isObj(get(d, "assets"))) {
      throw new TermsError(`not a reserves configuration (format '${CONFIG_FORMAT}' with an assets object)`);
    }
    const rc = has(d, "reporting_currency") ? d.reporting_currency : "USD";
    const rd = has(d, "reporting_decimals") ? d.reporting_decimals : 2n;
    if (typeof rc !== "string" || !isPyInt(rd) || rd < 0n) throw new TermsError("reporting_currency must be a string and reporting_decimals an integer >= 0");
    const decimals2 = /* @__PURE__ */ new Map(), haircuts = /* @__PURE__ */ new Map();
    for (const [a, spec] of Object.entries(d.assets)) {
      if (!isObj(spec) || !isPyInt(get(spec, "decimals")) || spec.decimals < 0n || spec.decimals > 36n) {
        throw new TermsError(`asset ${a}: decimals must be an integer in [0, 36]`);
      }
      decimals2.set(a, spec.decimals);
      if (has(spec, "haircut_bps")) {
        const h = spec.haircut_bps;
        if (!isPyInt(h) || h < 0n || h > 10000n) throw new TermsError(`asset ${a}: haircut_bps must be an integer in [0, 10000]`);
        haircuts.set(a, h);
      }
      if (has(spec, "reserve")) {
        const r = spec.reserve;
        if (!isObj(r)) throw new TermsError(`reserve policy for ${a}: expected an object`);
        strList(get(r, "custodians"), `reserve policy for ${a}: custodians`);
        strList(has(r, "signers") ? r.signers : [], `reserve policy for ${a}: signers`);
        if (has(r, "quorum") && !isPyInt(r.quorum)) throw new TermsError(`reserve policy for ${a}: quorum must be an integer`);
      }
      if (has(spec, "price")) {
        const p = spec.price;
        if (!isObj(p) || !Array.isArray(get(p, "oracles"))) throw new TermsError(`oracle policy for ${a}: needs an oracles list`);
        for (const k of ["quorum", "max_age_seconds", "max_dispersion_bps", "max_skew_seconds"]) {
          if (has(p, k) && !isPyInt(p[k])) throw new TermsError(`oracle policy for ${a}: ${k} must be an integer`);
        }
      }
    }
    const haircut = (a) => haircuts.has(a) ? haircuts.get(a) : a === rc ? 10000n : DEFAULT_HAIRCUT_BPS;
    return { reportingCurrency: rc, decimals: decimals2, haircut };
  }
  function pyInt(x) {
    if (typeof x === "boolean") return x ? 1n : 0n;
    if (typeof x === "bigint") return x;
    if (x instanceof PyFloat) {
      if (!Number.isFinite(x.value)) throw new TermsError("cannot convert float to integer");
      return BigInt(Math.trunc(x.value));
    }
    if (typeof x === "string") {
      const t = x.trim();
      if (!/^[+-]?[0-9](_?[0-9])*$/.test(t)) throw new TermsError(`invalid literal for int(): '${x.slice(0, 40)}'`);
      return BigInt(t.replace(/_/g, ""));
    }
    throw new TermsError("int() argument must be a string or a number");
  }
  function dictItems(x) {
    if (x === null || x === void 0 || x === false || typeof x === "string" && !x || x === 0n || Array.isArray(x) && !x.length || isObj(x) && !Object.keys(x).length) return [];
    if (isObj(x)) return Object.entries(x);
    throw new TermsError("the manifest's prices are not an object");
  }
  var sortedKeys = (m) => [...m.keys()].sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
  function collateralTerms(signed2) {
    let cfg, prices;
    try {
      cfg = reservesConfig(get(signed2, "reserves_config") ?? null);
      prices = new Map(dictItems(get(signed2, "prices") ?? null).map(([a, p]) => [String(a), pyInt(p)]));
    } catch (e) {
      throw new TermsError(`the manifest's reserves configuration or prices are malformed (${e.message})`);
    }
    const missing = sortedKeys(prices).filter((a) => !cfg.decimals.has(a));
    if (missing.length) throw new TermsError(`the reserves configuration names no decimals for ${missing.join(", ")}`);
    let top = 0n;
    for (const a of prices.keys()) if (cfg.decimals.get(a) > top) top = cfg.decimals.get(a);
    const cp = /* @__PURE__ */ new Map(), hc = /* @__PURE__ */ new Map();
    for (const a of sortedKeys(prices)) {
      cp.set(a, prices.get(a) * 10n ** (top - cfg.decimals.get(a)));
      hc.set(a, cfg.haircut(a));
    }
    const asObj = (m) => {
      const o = /* @__PURE__ */ Object.create(null);
      for (const [k, v] of m) o[k] = v;
      return o;
    };
    if (!pyEq(get(signed2, "collateral_prices") ?? null, asObj(cp)) || !pyEq(get(signed2, "haircuts_bps") ?? null, asObj(hc))) {
      throw new TermsError("the manifest's collateral prices and haircuts are not those of its reserves configuration");
    }
    return [cp, hc];
  }

  // src/statements.js
  var statements_exports = {};
  __export(statements_exports, {
    STATEMENTS: () => STATEMENTS,
    disableMemo: () => disableMemo,
    enableMemo: () => enableMemo,
    findInvalid: () => findInvalid2,
    load: () => load,
    transcriptContext: () => transcriptContext,
    verify: () => verify2,
    verifyBatch: () => verifyBatch2
  });

  // src/rangeproof.js
  var rangeproof_exports = {};
  __export(rangeproof_exports, {
    ALLOWED_BITS: () => ALLOWED_BITS,
    ENCODINGS: () => ENCODINGS,
    MAX_M: () => MAX_M,
    findInvalid: () => findInvalid,
    proofSize: () => proofSize,
    verify: () => verify,
    verifyBatch: () => verifyBatch
  });

  // src/transcript.js
  var Transcript = class {
    constructor(domain) {
      this.h = sha256.create();
      this.append("protocol", utf8("por/v1"));
      this.append("dom-sep", typeof domain === "string" ? utf8(domain) : domain);
    }
    append(label, message) {
      const l = utf8(label);
      this.h.update(concat(u32(l.length), l));
      this.h.update(concat(u64(message.length), message));
    }
    appendU64(label, v) {
      this.append(label, u64(v));
    }
    appendScalar(label, k) {
      this.append(label, encodeScalar((k % R + R) % R));
    }
    challenge(label) {
      this.append("challenge", utf8(label));
      for (let counter = 0; ; counter++) {
        const st = this.h.clone();
        st.update(u32(counter));
        const seed = st.digest();
        const wide = concat(sha256(concat(seed, Uint8Array.of(0))), sha256(concat(seed, Uint8Array.of(1))));
        const c = bytesToInt(wide) % R;
        if (c !== 0n) {
          this.h.update(wide);
          return c;
        }
      }
    }
  };

  // src/rangeproof.js
  var ALLOWED_BITS = [8, 16, 32, 64, 128];
  var MAX_M = 64;
  var ENCODINGS = ["compressed", "linear"];
  var DOMAIN = { compressed: "por/v1/rangeproof", linear: "por/v1/rangeproof/linear" };
  var isPow2 = (m) => m >= 1 && (m & m - 1) === 0;
  var log2 = (x) => 31 - Math.clz32(x);
  function proofSize(bits, m, encoding = "compressed") {
    const nm = bits * m;
    if (encoding === "linear") return 288 + 64 * nm;
    return 4 * 48 + 3 * 32 + 2 * log2(nm) * 48 + 2 * 32;
  }
  function start(encoding, context, n, m, vEncs) {
    const t = new Transcript(utf8(DOMAIN[encoding]));
    t.append("context", context);
    t.appendU64("n", n);
    t.appendU64("m", m);
    for (const v of vEncs) t.append("V", v);
    return t;
  }
  function delta(y, z, n, m) {
    const nm = BigInt(n * m);
    const sumY = y === 1n ? nm : mod2((modpow(y, nm) - 1n) * inv(y - 1n));
    const zz = z * z % R;
    let s3 = 0n, zp = zz * z % R;
    for (let j = 0; j < m; j++) {
      s3 += zp;
      zp = zp * z % R;
    }
    return mod2((z - zz) * sumY - s3 % R * ((1n << BigInt(n)) - 1n));
  }
  function prepare(item, c) {
    const { commitments, proof, bits, context = new Uint8Array(0), encoding = "compressed" } = item;
    if (!ALLOWED_BITS.includes(bits)) throw new Error("bit width not allowed");
    if (!ENCODINGS.includes(encoding)) throw new Error("unknown encoding");
    const m = commitments.length;
    if (!isPow2(m) || m > MAX_M) throw new Error("m must be a power of two <= 64");
    const n = bits, nm = n * m, lg = log2(nm);
    if (!(proof instanceof Uint8Array) || proof.length !== proofSize(n, m, encoding)) {
      throw new Error("proof length does not match n and m");
    }
    const vPts = commitments.map((v) => decode(v, true));
    let pos = 0;
    const take = (k) => {
      const ch = proof.subarray(pos, pos + k);
      pos += k;
      return ch;
    };
    const encs = [take(48), take(48), take(48), take(48)];
    const pts = encs.map((e) => decode(e));
    const tauX = decodeScalar(take(32)), mu = decodeScalar(take(32)), tHat = decodeScalar(take(32));
    const t = start(encoding, context, n, m, commitments);
    const zz0 = () => 0n;
    void zz0;
    if (encoding === "linear") {
      const l = [], r = [];
      for (let i = 0; i < nm; i++) l.push(decodeScalar(take(32)));
      for (let i = 0; i < nm; i++) r.push(decodeScalar(take(32)));
      let ip = 0n;
      for (let i = 0; i < nm; i++) ip += l[i] * r[i];
      if (ip % R !== tHat) throw new Error("t_hat is not <l, r>");
      t.append("A", encs[0]);
      t.append("S", encs[1]);
      const y2 = t.challenge("y"), z2 = t.challenge("z");
      t.append("T1", encs[2]);
      t.append("T2", encs[3]);
      const x2 = t.challenge("x");
      const zz2 = z2 * z2 % R, yInv2 = inv(y2);
      const gCoef2 = new Array(nm), hCoef2 = new Array(nm);
      let yi2 = 1n, zj2 = zz2;
      for (let j = 0; j < m; j++) {
        for (let k = 0; k < n; k++) {
          const i = j * n + k;
          gCoef2[i] = mod2(-z2 - l[i]);
          hCoef2[i] = mod2(z2 + yi2 * ((zj2 << BigInt(k)) - r[i]));
          yi2 = yi2 * yInv2 % R;
        }
        zj2 = zj2 * z2 % R;
      }
      const scalars2 = [1n, x2, c * x2 % R, c * x2 % R * x2 % R];
      let cz2 = c * zz2 % R;
      for (let j = 0; j < m; j++) {
        scalars2.push(cz2);
        cz2 = cz2 * z2 % R;
      }
      return {
        nm,
        gCoef: gCoef2,
        hCoef: hCoef2,
        points: [...pts, ...vPts],
        scalars: scalars2,
        gScalar: mod2(c * (delta(y2, z2, n, m) - tHat)),
        hScalar: mod2(-mu - c * tauX)
      };
    }
    const rounds = [];
    for (let k = 0; k < lg; k++) rounds.push([take(48), take(48)]);
    const lrPts = rounds.map(([le, re]) => [decode(le), decode(re)]);
    const a = decodeScalar(take(32)), b = decodeScalar(take(32));
    t.append("A", encs[0]);
    t.append("S", encs[1]);
    const y = t.challenge("y"), z = t.challenge("z");
    t.append("T1", encs[2]);
    t.append("T2", encs[3]);
    const x = t.challenge("x");
    t.appendScalar("tau_x", tauX);
    t.appendScalar("mu", mu);
    t.appendScalar("t_hat", tHat);
    const w = t.challenge("w");
    t.appendU64("ipa-n", nm);
    const us = [];
    for (const [le, re] of rounds) {
      t.append("L", le);
      t.append("R", re);
      us.push(t.challenge("u"));
    }
    const uSq = us.map((u) => u * u % R);
    const uInv = us.map((u) => inv(u));
    const uInvSq = uInv.map((u) => u * u % R);
    let prodInv = 1n;
    for (const u of uInv) prodInv = prodInv * u % R;
    const s = new Array(nm);
    s[0] = prodInv;
    for (let i = 1; i < nm; i++) {
      const k = log2(i);
      s[i] = s[i - (1 << k)] * uSq[lg - 1 - k] % R;
    }
    const zz = z * z % R, yInv = inv(y);
    const gCoef = s.map((si) => mod2(-z - a * si));
    const hCoef = new Array(nm);
    let yi = 1n, zj = zz;
    for (let j = 0; j < m; j++) {
      for (let k = 0; k < n; k++) {
        const i = j * n + k;
        hCoef[i] = mod2(z + yi * ((zj << BigInt(k)) - b * s[nm - 1 - i]));
        yi = yi * yInv % R;
      }
      zj = zj * z % R;
    }
    const points = [...pts, ...lrPts.flat(), ...vPts];
    const scalars = [1n, x, c * x % R, c * x % R * x % R];
    for (let k = 0; k < lg; k++) scalars.push(uSq[k], uInvSq[k]);
    let cz = c * zz % R;
    for (let j = 0; j < m; j++) {
      scalars.push(cz);
      cz = cz * z % R;
    }
    return {
      nm,
      gCoef,
      hCoef,
      points,
      scalars,
      gScalar: mod2(w * (tHat - a * b) + c * (delta(y, z, n, m) - tHat)),
      hScalar: mod2(-mu - c * tauX)
    };
  }
  function foldCheck(prepared, onProgress) {
    const nMax = Math.max(...prepared.map((p) => p.nm));
    const [Gv, Hv] = bulletproofGens(nMax, onProgress);
    const gTot = new Array(nMax).fill(0n), hTot = new Array(nMax).fill(0n);
    let gS = 0n, hS = 0n;
    const pts = [], scs = [];
    prepared.forEach((p, idx) => {
      const beta = idx === 0 ? 1n : randomScalar();
      for (let i = 0; i < p.nm; i++) {
        gTot[i] = (gTot[i] + beta * p.gCoef[i]) % R;
        hTot[i] = (hTot[i] + beta * p.hCoef[i]) % R;
      }
      gS += beta * p.gScalar;
      hS += beta * p.hScalar;
      for (const pt of p.points) pts.push(pt);
      for (const k of p.scalars) scs.push(beta * k % R);
    });
    const all = [...Gv, ...Hv, PEDERSEN_G, pedersenH(), ...pts];
    const sc = [...gTot, ...hTot, mod2(gS), mod2(hS), ...scs];
    return msm(all, sc).equals(ZERO);
  }
  function verifyBatch(items, onProgress) {
    try {
      if (!Array.isArray(items)) return false;
      if (!items.length) return true;
      const prepared = items.map((it) => prepare(it, randomScalar()));
      return foldCheck(prepared, onProgress);
    } catch {
      return false;
    }
  }
  function verify(commitments, proof, bits, context = new Uint8Array(0), encoding = "compressed") {
    return verifyBatch([{ commitments, proof, bits, context, encoding }]);
  }
  function findInvalid(items) {
    const bad = [];
    const walk = (lo, hi) => {
      if (lo >= hi || verifyBatch(items.slice(lo, hi))) return;
      if (hi - lo === 1) {
        bad.push(lo);
        return;
      }
      const mid = lo + hi >> 1;
      walk(lo, mid);
      walk(mid, hi);
    };
    walk(0, items.length);
    return bad;
  }

  // src/statements_data.js
  var STATEMENTS = {
    "collateral": {
      "bits": 128,
      "claim": {
        "max_inputs": 512,
        "min_inputs": 2
      },
      "encoding": "compressed",
      "id": "collateral",
      "input_bound_bits": 64,
      "sha256": "0d50a7e60dd14e6bc59b7fe07a0a08f33726d0ccdb6f97c40e8eef5eb327dc29",
      "version": 1
    },
    "collateral-linear": {
      "bits": 128,
      "claim": {
        "max_inputs": 512,
        "min_inputs": 2
      },
      "encoding": "linear",
      "id": "collateral-linear",
      "input_bound_bits": 64,
      "sha256": "d7dd62745639d48cb9800c26e3017ed9e2c3ad801c1adf84646835b35acb71ad",
      "version": 1
    },
    "node-range": {
      "bits": 64,
      "claim": {
        "coefficients": [
          1
        ],
        "constant": 0,
        "inputs": 1
      },
      "encoding": "compressed",
      "id": "node-range",
      "input_bound_bits": 64,
      "sha256": "06dd7d31f6be36c31b2ea3ae27edcf6760fb73508961b73601b3f0cb14387eb3",
      "version": 1
    },
    "node-range-linear": {
      "bits": 64,
      "claim": {
        "coefficients": [
          1
        ],
        "constant": 0,
        "inputs": 1
      },
      "encoding": "linear",
      "id": "node-range-linear",
      "input_bound_bits": 64,
      "sha256": "c728dc0af2a55f00ceee35f44aa8aa2ec3ef9c0d8c7572d7599e3aad518ce215",
      "version": 1
    },
    "solvency": {
      "bits": 64,
      "claim": {
        "coefficients": [
          -1,
          1
        ],
        "inputs": 2
      },
      "encoding": "compressed",
      "id": "solvency",
      "input_bound_bits": 104,
      "sha256": "00997ac6fe30e85ffc4d4995063f6b3fcddfdd4da89f69c20a17700c8c60dbb9",
      "version": 1
    }
  };

  // src/statements.js
  function load(name2) {
    const s = STATEMENTS[name2];
    if (!s) throw new Error(`unknown statement ${name2}`);
    return s;
  }
  var abs = (v) => v < 0n ? -v : v;
  function signed(v) {
    return concat(Uint8Array.of(v < 0n ? 1 : 0), intToBytes(abs(v), 32));
  }
  function checkClaims(stmt, claims) {
    if (!Array.isArray(claims) || claims.length < 1 || claims.length > MAX_M) throw new Error("1..64 claims");
    const shape = stmt.claim;
    const limit = R - (1n << BigInt(stmt.bits));
    const inBound = (1n << BigInt(stmt.input_bound_bits)) - 1n;
    for (const c of claims) {
      const k = c.commitments.length;
      if (k !== c.coefficients.length || k === 0) throw new Error("commitments and coefficients differ");
      if ("inputs" in shape && k !== shape.inputs) throw new Error("input count");
      if ("min_inputs" in shape && !(shape.min_inputs <= k && k <= shape.max_inputs)) throw new Error("input count");
      if ("coefficients" in shape && (shape.coefficients.length !== k || shape.coefficients.some((x, i) => BigInt(x) !== c.coefficients[i]))) throw new Error("fixed coefficients");
      if ("constant" in shape && BigInt(shape.constant) !== c.constant) throw new Error("fixed constant");
      for (const cm of c.commitments) if (!(cm instanceof Uint8Array) || cm.length !== 48) throw new Error("commitment size");
      let bound = abs(c.constant);
      for (const v of c.coefficients) bound += abs(v) * inBound;
      if (bound >= limit) throw new Error("coefficients too large: the combination could wrap modulo r");
    }
  }
  function transcriptContext(stmt, claims, m, context) {
    const id = utf8(stmt.id);
    const out = [
      utf8("por/v1/statement"),
      u16(id.length),
      id,
      u32(stmt.version),
      fromHex(stmt.sha256),
      u32(stmt.bits),
      u32(m),
      u32(claims.length)
    ];
    for (const c of claims) {
      out.push(u32(c.commitments.length), ...c.commitments, ...c.coefficients.map(signed), signed(c.constant));
    }
    out.push(u64(context.length), context);
    return concat(...out);
  }
  function paddedM(n) {
    let m = 1;
    while (m < n) m *= 2;
    return m;
  }
  function rpItem({ stmt, claims, proof, context }) {
    checkClaims(stmt, claims);
    const m = paddedM(claims.length);
    const combined = claims.map((c) => c.coefficients.length === 1 && c.coefficients[0] === 1n && c.constant === 0n ? c.commitments[0] : combine(c.commitments, c.coefficients, c.constant));
    while (combined.length < m) combined.push(IDENTITY_BYTES);
    return {
      commitments: combined,
      proof,
      bits: stmt.bits,
      encoding: stmt.encoding || "compressed",
      context: transcriptContext(stmt, claims, m, context)
    };
  }
  var MEMO = null;
  function enableMemo() {
    MEMO = MEMO || /* @__PURE__ */ new Map();
  }
  function disableMemo() {
    MEMO = null;
  }
  function itemKey(it) {
    return toHex(sha2562(
      utf8(`${it.encoding}/${it.bits}/${it.commitments.length}/${it.proof.length}/`),
      ...it.commitments,
      u64(it.context.length),
      it.context,
      it.proof
    ));
  }
  function verifyBatch2(items, onProgress) {
    let rpItems;
    try {
      rpItems = items.map(rpItem);
    } catch {
      return false;
    }
    if (!MEMO) return verifyBatch(rpItems, onProgress);
    let keys;
    try {
      keys = rpItems.map(itemKey);
    } catch {
      return false;
    }
    if (keys.some((k) => MEMO.get(k) === false)) return false;
    const todo = rpItems.filter((_, i) => !MEMO.has(keys[i]));
    const tk = keys.filter((k) => !MEMO.has(k));
    if (!todo.length) return true;
    const ok = verifyBatch(todo, onProgress);
    if (ok) tk.forEach((k) => MEMO.set(k, true));
    else if (todo.length === 1) MEMO.set(tk[0], false);
    return ok;
  }
  function verify2(stmt, claims, proof, context) {
    return verifyBatch2([{ stmt, claims, proof, context }]);
  }
  function findInvalid2(items) {
    const bad = [];
    const walk = (lo, hi) => {
      if (lo >= hi || verifyBatch2(items.slice(lo, hi))) return;
      if (hi - lo === 1) {
        bad.push(lo);
        return;
      }
      const mid = lo + hi >> 1;
      walk(lo, mid);
      walk(mid, hi);
    };
    walk(0, items.length);
    return bad;
  }

  // src/client.js
  var CLIENT_FORMAT = "por-client-proof/2";
  var OLD_CLIENT_FORMATS = { "por-client-proof/1": "leaf format por-leaf/1" };
  var MAX_VALUE = 1n << 64n;
  var DEC2 = /^(0|[1-9][0-9]{0,39})\n?$/;
  var HEX = /^[0-9a-f]*$/;
  var ASSET2 = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}\n?$/;
  var KINDS = ["equity", "debt"];
  var BPS = 10000n;
  var Result = class {
    constructor(subject) {
      this.subject = subject;
      this.checks = [];
    }
    add(id, ok, message) {
      this.checks.push({ id, ok: !!ok, status: ok ? "passed" : "failed", message });
      return !!ok;
    }
    passed(id, message) {
      this.add(id, true, message);
    }
    failed(id, message) {
      this.add(id, false, message);
    }
    get ok() {
      return this.checks.length > 0 && this.checks.every((c) => c.ok);
    }
    toJSON() {
      return { subject: this.subject, ok: this.ok, checks: this.checks };
    }
  };
  var Bad = class extends Error {
  };
  var trunc = (s, n) => String(s).slice(0, n);
  function dec(x, what) {
    if (typeof x === "string" && x.startsWith("-") && DEC2.test(x.slice(1))) throw new Bad(`${what} is negative (${x})`);
    if (typeof x !== "string" || !DEC2.test(x)) throw new Bad(`${what} must be a decimal string, got ${trunc(pyRepr(x), 60)}`);
    return BigInt(x.replace("\n", ""));
  }
  function hex(x, n, what) {
    if (typeof x !== "string" || x.length !== 2 * n || !HEX.test(x)) throw new Bad(`${what} must be ${n} bytes of lower-case hex`);
    return fromHex(x);
  }
  function b642(x, what) {
    if (typeof x !== "string") throw new Bad(`${what} must be a base64 string`);
    try {
      return fromB64(x);
    } catch {
      throw new Bad(`${what} is not valid base64`);
    }
  }
  function int2(x, lo, hi, what) {
    if (typeof x !== "bigint" || !(BigInt(lo) <= x && x < BigInt(hi))) throw new Bad(`${what} must be an integer in [${lo}, ${hi})`);
    return x;
  }
  function need(d, key, what = "") {
    if (!isObj(d) || !has(d, key)) throw new Bad(`missing field '${what + key}'`);
    return d[key];
  }
  function pyDict(x) {
    if (isObj(x)) return Object.entries(x);
    if (!Array.isArray(x)) throw new TypeError(`'${pyType(x)}' object is not iterable`);
    return x.map((e) => pairOf(e));
  }
  function pairOf(e) {
    if (Array.isArray(e) && e.length === 2) return [e[0], e[1]];
    if (typeof e === "string" && Array.from(e).length === 2) return Array.from(e);
    if (isObj(e) && Object.keys(e).length === 2) return Object.keys(e);
    throw new TypeError("not a pair");
  }
  function parseColumns(columns2) {
    if (!Array.isArray(columns2)) throw new Bad("columns: columns must be a list of (asset, kind) pairs");
    const out = [];
    const seen = /* @__PURE__ */ new Set();
    columns2.forEach((col, i) => {
      let asset2, kind;
      try {
        [asset2, kind] = pairOf(col);
      } catch {
        throw new Bad(`columns: column ${i}: expected (asset, kind)`);
      }
      if (typeof asset2 !== "string" || !ASSET2.test(asset2)) throw new Bad(`columns: column ${i}: asset is not a valid asset code`);
      if (typeof kind !== "string" || !KINDS.includes(kind)) throw new Bad(`columns: column ${i}: kind must be one of equity, debt`);
      const key = JSON.stringify([asset2, kind]);
      if (seen.has(key)) throw new Bad(`columns: column ${i}: (${asset2}, ${kind}) appears twice`);
      seen.add(key);
      out.push({ asset: asset2, kind });
    });
    if (!out.length) throw new Bad("columns: a tree needs at least one column");
    return out;
  }
  function utf8Len(s) {
    return utf8(s).length;
  }
  function parseClient(p) {
    if (!isObj(p)) throw new Bad("the proof is not a JSON object");
    const fmt = get(p, "format");
    if (typeof fmt === "string" && fmt in OLD_CLIENT_FORMATS) {
      throw new Bad(`format ${fmt} (${OLD_CLIENT_FORMATS[fmt]}) is refused: ask the operator for a ${CLIENT_FORMAT} proof`);
    }
    if (fmt !== CLIENT_FORMAT) throw new Bad(`format ${trunc(pyRepr(fmt), 60)} is not '${CLIENT_FORMAT}'`);
    const badLeaf = checkLeafFormat(get(p, "leaf_format") ?? null);
    if (badLeaf) throw new Bad(badLeaf);
    try {
      checkClientProof(p);
    } catch (e) {
      if (e instanceof ShapeError) throw new Bad(e.message);
      throw e;
    }
    if (has(p, "protocol") && !pyEq(p.protocol, "por-v1")) throw new Bad(`protocol ${trunc(pyRepr(p.protocol), 60)} is not 'por-v1'`);
    const mode2 = need(p, "mode");
    if (!MODES.includes(mode2)) throw new Bad("mode is not one of committed, plain");
    const epoch = need(p, "epoch_id");
    if (typeof epoch !== "string" || !epoch) throw new Bad("epoch_id must be a non-empty string");
    const cols = parseColumns(need(p, "columns"));
    const k = cols.length;
    const account = need(p, "account_id");
    if (typeof account !== "string" || hasLoneSurrogate(account) || !(utf8Len(account) > 0 && utf8Len(account) <= MAX_ACCOUNT_BYTES)) {
      throw new Bad(`account_id must be 1..${MAX_ACCOUNT_BYTES} bytes of UTF-8`);
    }
    const height = Number(int2(need(p, "height"), 1, 41, "height"));
    const bsz = need(p, "block_size");
    const badBlock = blockSizeProblem(bsz, k, mode2);
    if (badBlock) throw new Bad(badBlock.replace("block size", "block_size"));
    const ctxHex = need(p, "context");
    if (typeof ctxHex !== "string" || ctxHex.length % 2 || !HEX.test(ctxHex)) throw new Bad("context must be lower-case hex");
    const rawValues = need(p, "values");
    if (!Array.isArray(rawValues) || rawValues.length !== k) throw new Bad(`values must be a list of ${k} decimal strings`);
    const values = rawValues.map((v, i) => dec(v, `values[${i}]`));
    values.forEach((v, i) => {
      if (v >= MAX_VALUE) throw new Bad(`values[${i}] is >= 2^64`);
    });
    const s = hex(need(p, "leaf_secret"), 32, "leaf_secret");
    const position = int2(need(p, "position"), 0, 2 ** height, "position");
    const path = need(p, "path");
    if (!Array.isArray(path) || path.length !== height) throw new Bad(`path must list ${height} levels`);
    const siblings = [], blocks = [];
    path.forEach((e, level) => {
      const where = `path[${level}].`;
      const lv = need(e, "level", where);
      if (typeof lv !== "bigint" || lv !== BigInt(level)) throw new Bad(`path[${level}].level must be ${level}`);
      const sib = need(e, "sibling", where);
      const sc = need(sib, "columns", where + "sibling.");
      if (!Array.isArray(sc) || sc.length !== k) throw new Bad(`${where}sibling.columns must list ${k} columns`);
      let link;
      if (level === 0) {
        link = hex(need(sib, "leaf_id", where + "sibling."), 32, where + "sibling.leaf_id");
      } else {
        const ch = need(sib, "children", where + "sibling.");
        if (!Array.isArray(ch) || ch.length !== 2) throw new Bad(`${where}sibling.children must list the sibling's two child hashes`);
        link = [hex(ch[0], 32, where + "sibling.children[0]"), hex(ch[1], 32, where + "sibling.children[1]")];
      }
      if (mode2 === "committed") {
        siblings.push([link, sc.map((c, i) => hex(c, 48, `${where}sibling.columns[${i}]`))]);
        const blk = need(e, "block", where);
        const j = int2(need(blk, "index", where + "block."), 0, 2 ** 62, where + "block.index");
        const comms = b642(need(blk, "commitments", where + "block."), where + "block.commitments");
        const raw = need(blk, "proof", where + "block.");
        blocks.push([j, comms, raw === null ? null : b642(raw, where + "block.proof")]);
      } else {
        siblings.push([link, sc.map((c, i) => dec(c, `${where}sibling.columns[${i}]`))]);
      }
    });
    const root = need(p, "root");
    const rootHash = hex(need(root, "hash", "root."), 32, "root.hash");
    const rc = need(root, "columns", "root.");
    if (!Array.isArray(rc) || rc.length !== k) throw new Bad(`root.columns must list ${k} columns`);
    const rootColumns = mode2 === "committed" ? rc.map((c, i) => hex(c, 48, `root.columns[${i}]`)) : rc.map((c, i) => dec(c, `root.columns[${i}]`));
    const stm = has(p, "statements") ? p.statements : /* @__PURE__ */ Object.create(null);
    if (!isObj(stm)) throw new Bad("statements must be an object");
    const coll = get(p, "collateral") ?? null;
    if (coll !== null && !isObj(coll)) throw new Bad("collateral must be an object or null");
    return {
      mode: mode2,
      epochId: epoch,
      accountId: account,
      columns: cols,
      height,
      blockSize: Number(bsz),
      context: fromHex(ctxHex),
      values,
      s,
      position,
      siblings,
      blocks,
      statements: stm,
      collateral: coll,
      rootHash,
      rootColumns
    };
  }
  function statementNames(encoding, debt) {
    const suffix = encoding === "linear" ? "-linear" : "";
    return ["node-range" + suffix, ...debt ? ["collateral" + suffix] : []];
  }
  function statementCheck(res, checkId, refs, names) {
    const extra = Object.keys(refs).filter((n) => !names.includes(n)).sort();
    if (extra.length) return res.add(checkId, false, `statements do not match: ${extra.join(", ").slice(0, 200)} recorded, but the tree's encoding uses only ${names.join(", ")}`);
    const problems = [];
    for (const name2 of names) {
      const ref = isObj(refs) ? get(refs, name2) : void 0;
      if (!isObj(ref)) {
        problems.push(`${name2}: not recorded`);
        continue;
      }
      let local;
      try {
        local = load(name2);
      } catch (e) {
        problems.push(`${name2}: cannot load the local specification (${e.message})`);
        continue;
      }
      const rg = (f) => has(ref, f) ? ref[f] : null;
      if (!pyEq(rg("id"), local.id) || !pyEq(rg("sha256"), local.sha256)) {
        problems.push(`${name2}: recorded sha256 ${trunc(rg("sha256"), 16)}... differs from the local specification ${local.sha256.slice(0, 16)}...`);
      } else if (!pyEq(rg("version"), BigInt(local.version)) || !pyEq(rg("bits"), BigInt(local.bits))) {
        problems.push(`${name2}: recorded version and bits differ from the specification's ${local.version} and ${local.bits}`);
      }
    }
    if (problems.length) return res.add(checkId, false, "statements do not match: " + problems.join("; "));
    return res.add(checkId, true, `statements ${names.join(", ") || "(none)"} match their specifications`);
  }
  var colsText = (cols) => `[${cols.slice(0, 8).map((c) => `${c[0]}:${c[1]}`).join(", ")}${cols.length > 8 ? ", ..." : ""}]`.slice(0, 300);
  function clientExpected(res, p, expected) {
    const have = {
      mode: p.mode,
      epoch_id: p.epochId,
      height: BigInt(p.height),
      block_size: BigInt(p.blockSize),
      context: toHex(p.context),
      leaf_format: LEAF_FORMAT
    };
    const diffs = [];
    for (const [key, value] of Object.entries(have)) {
      if (!has(expected, key)) diffs.push(`${key} (not in the description)`);
      else if (typeof expected[key] === "boolean" || !pyEq(expected[key], value)) {
        diffs.push(`${key} (${trunc(pyRepr(value), 40)} in the proof, ${trunc(pyRepr(expected[key]), 40)} published)`);
      }
    }
    if (p.mode === "committed") {
      const pub = get(expected, "statements");
      if (isObj(pub)) {
        const a = Object.keys(pub).sort(), b = Object.keys(p.statements).sort();
        if (a.length !== b.length || a.some((x, i) => x !== b[i])) diffs.push("statements (not the proof's)");
        for (const [name2, ref] of Object.entries(pub)) {
          const mine = get(p.statements, name2);
          const g = (o, f) => has(o, f) ? o[f] : null;
          if (!isObj(ref) || !isObj(mine) || ["id", "version", "sha256", "bits"].some((f) => !pyEq(g(mine, f), g(ref, f)))) {
            diffs.push(`statement ${trunc(name2, 40)}`);
          }
        }
      } else diffs.push("statements (not in the description)");
    }
    res.add("client.expected", !diffs.length, !diffs.length ? "the proof's mode, height, block size, context, leaf format and statements are the published tree's" : "the proof differs from the published tree description in: " + diffs.join("; "));
  }
  function encodingOf(statements2) {
    return isObj(statements2) && has(statements2, "node-range-linear") ? "linear" : "compressed";
  }
  async function verifyClientProof(proof, {
    rootHash = null,
    rootCommitments = null,
    epochId = null,
    prices = null,
    haircuts = null,
    accountId = null,
    columns: columns2 = null,
    expected = null,
    onProgress = null
  } = {}) {
    const res = new Result("client inclusion proof");
    const progress = onProgress || (() => {
    });
    let p;
    try {
      p = parseClient(proof);
    } catch (e) {
      res.failed("client.format", `malformed client proof: ${e instanceof Bad ? e.message : `a field has the wrong type (${e.message})`}`);
      return res;
    }
    res.passed("client.format", `${CLIENT_FORMAT} (${LEAF_FORMAT}), ${p.mode} mode, height ${p.height}, ${p.columns.length} column(s), block size ${p.blockSize}`);
    if (epochId !== null) {
      res.add("client.epoch", p.epochId === epochId, `proof is for epoch '${p.epochId}'` + (p.epochId === epochId ? "" : `, expected '${epochId}'`));
    } else res.passed("client.epoch", `proof is for epoch '${p.epochId}'`);
    if (accountId !== null) {
      res.add("client.account", p.accountId === accountId, p.accountId === accountId ? `the proof is for account '${p.accountId}', the one you named` : `the proof is for account '${trunc(p.accountId, 80)}', not yours ('${trunc(accountId, 80)}'): its leaf is bound to that id, so it proves nothing about your balance`);
    } else {
      res.passed("client.account", `the proof is for ACCOUNT '${trunc(p.accountId, 200)}' (its leaf is bound to this id; check that it is yours, or pass your account id to have it checked)`);
    }
    if (columns2 !== null) {
      const mine = p.columns.map((c) => [c.asset, c.kind]);
      const same = mine.length === columns2.length && mine.every((c, i) => c[0] === columns2[i][0] && c[1] === columns2[i][1]);
      res.add("client.columns", same, same ? `the proof's ${mine.length} column(s) are the published ones, in order` : `the proof's columns ${colsText(mine)} differ from the published columns ${colsText(columns2)} (labels or order): its values would be read against the wrong assets`);
    }
    if (expected !== null) clientExpected(res, p, expected);
    const k = p.columns.length;
    const committed = p.mode === "committed";
    const enc = encodingOf(p.statements);
    const names = statementNames(enc, p.columns.some((c) => c.kind === "debt"));
    if (committed) statementCheck(res, "client.statements", p.statements, names);
    await progress("leaf", 0, 1);
    const lid = leafId(p.accountId, p.s);
    let pts = null, leafCols, cols;
    if (committed) {
      pts = p.values.map((v, c) => commitPoint(v, blinding(p.s, c)));
      leafCols = pts.map(encode);
      cols = concat(...leafCols);
    } else {
      cols = concat(...p.values.map(encodeSum));
      leafCols = [...p.values];
    }
    let h = leafHash(p.mode, lid, cols);
    res.passed("client.leaf", `leaf recomputed from the secret and ${k} value(s) at position ${p.position}`);
    const pathCols = [];
    const problems = [];
    let cur = committed ? pts : leafCols;
    let curEnc = committed ? leafCols : [];
    for (let level = 0; level < p.siblings.length; level++) {
      const [link, sc] = p.siblings[level];
      pathCols.push([...curEnc]);
      const sibCols = committed ? concat(...sc) : concat(...sc.filter((v) => v < MAX_VALUE).map(encodeSum));
      const sh = level === 0 ? leafHash(p.mode, link, sibCols) : nodeHash(p.mode, link[0], link[1], sibCols);
      let colBytes;
      if (committed) {
        let sp;
        try {
          sp = sc.map((c) => decode(c, true));
        } catch (e) {
          problems.push(`level ${level}: sibling commitment does not decode (${e.message})`);
          break;
        }
        cur = cur.map((a, i) => a.add(sp[i]));
        curEnc = cur.map(encode);
        colBytes = concat(...curEnc);
      } else {
        const bad = sc.findIndex((v) => v >= MAX_VALUE);
        if (bad >= 0) {
          problems.push(`level ${level}: sibling sum of column ${bad} is >= 2^64`);
          break;
        }
        cur = cur.map((a, i) => a + sc[i]);
        if (level < p.height - 1 && cur.some((v) => v >= MAX_VALUE)) {
          problems.push(`level ${level + 1}: path node sum is >= 2^64`);
          break;
        }
        colBytes = concat(...cur.map(encodeSum));
      }
      const right = BigInt(p.position) >> BigInt(level) & 1n;
      h = right === 0n ? nodeHash(p.mode, h, sh, colBytes) : nodeHash(p.mode, sh, h, colBytes);
      await progress("path", level + 1, p.siblings.length);
    }
    if (problems.length) {
      res.failed("client.path", problems.join("; "));
    } else {
      res.passed("client.path", `${p.height} sibling(s) folded to a root`);
      const rootCols = committed ? curEnc : cur;
      const expectedHash = rootHash !== null && typeof rootHash === "string" && rootHash.length === 64 && HEX.test(rootHash) ? fromHex(rootHash) : null;
      const msgs = [];
      let ok = true;
      if (rootHash !== null && expectedHash === null) {
        ok = false;
        msgs.push("the published root hash given is not 32 bytes of hex");
      }
      const target = expectedHash || p.rootHash;
      if (!eqBytes(h, target)) {
        ok = false;
        msgs.push(`recomputed root ${toHex(h).slice(0, 16)}... differs from the ${expectedHash ? "published" : "proof file"} root ${toHex(target).slice(0, 16)}... (the leaf of account '${trunc(p.accountId, 80)}' with these values is not in the tree: a leaf is bound to its account id, so another account's leaf does not fold to the root)`);
      }
      if (expectedHash && !eqBytes(p.rootHash, expectedHash)) {
        ok = false;
        msgs.push("the root recorded in the proof file differs from the published root");
      }
      const sameCols = rootCols.length === p.rootColumns.length && rootCols.every((c, i) => committed ? eqBytes(c, p.rootColumns[i]) : c === p.rootColumns[i]);
      if (!sameCols) {
        ok = false;
        msgs.push("the recomputed root columns differ from those recorded in the proof file");
      }
      if (rootCommitments !== null) {
        const have = committed ? rootCols.map(toHex) : rootCols.map(String);
        if (have.length !== rootCommitments.length || have.some((c, i) => c !== String(rootCommitments[i]))) {
          ok = false;
          msgs.push("the recomputed root columns differ from the published root");
        }
      }
      if (ok) res.passed("client.root", `path folds to the ${expectedHash ? "published" : "recorded"} root ${toHex(h).slice(0, 16)}...` + (expectedHash ? "" : " (compare it with the signed manifest)"));
      else res.failed("client.root", msgs.join("; "));
    }
    if (committed) await clientBlocks(res, p, pathCols, problems, names[0], progress);
    else res.passed("client.range_proofs", !problems.length ? "plain mode: every sibling sum checked in the clear to be in [0, 2^64)" : "plain mode: sums checked in the clear (see client.path)");
    await clientCollateral(res, p, leafCols, prices, haircuts, names[1], progress);
    return res;
  }
  async function clientBlocks(res, p, pathCols, problems, nodeRange, progress) {
    const k = p.columns.length;
    const issues = [], items = [], levels = [];
    for (let level = 0; level < p.blocks.length; level++) {
      const [j, comms, proof] = p.blocks[level];
      const bl = levelBlockSize(p.blockSize, p.height, level);
      const idx = BigInt(p.position) >> BigInt(level);
      const want = (idx ^ 1n) / BigInt(bl);
      if (j !== want) {
        issues.push(`level ${level}: block ${j} does not cover the sibling ${idx ^ 1n} (expected block ${want})`);
        continue;
      }
      if (comms.length !== bl * k * 48) {
        issues.push(`level ${level}: block commitments are ${comms.length} bytes, expected ${bl * k * 48}`);
        continue;
      }
      if (proof === null) {
        issues.push(`level ${level}: the range proof of block ${j} is missing`);
        continue;
      }
      const cs = [];
      for (let i = 0; i < bl * k; i++) cs.push(comms.subarray(48 * i, 48 * (i + 1)));
      const sibSlot = Number((idx ^ 1n) - j * BigInt(bl)), ownSlot = Number(idx - j * BigInt(bl));
      const sameList = (a, b) => a.length === b.length && a.every((x, i) => eqBytes(x, b[i]));
      if (!sameList(cs.slice(sibSlot * k, (sibSlot + 1) * k), p.siblings[level][1])) {
        issues.push(`level ${level}: the block's commitment at the sibling's slot is not the sibling shown`);
        continue;
      }
      if (ownSlot >= 0 && ownSlot < bl && level < pathCols.length && !problems.length && !sameList(cs.slice(ownSlot * k, (ownSlot + 1) * k), pathCols[level])) {
        issues.push(`level ${level}: the block's commitment at the path node's slot is not the path node`);
        continue;
      }
      const ctx = blockContext(p.epochId, p.context, p.height, level, Number(j));
      let stmt;
      try {
        stmt = load(nodeRange);
      } catch (e) {
        issues.push(`cannot load ${nodeRange}: ${e.message}`);
        break;
      }
      items.push({ stmt, claims: cs.map((c) => ({ commitments: [c], coefficients: [1n], constant: 0n })), proof, context: ctx });
      levels.push(level);
    }
    if (!issues.length && items.length) {
      await progress("range proofs", 0, items.length);
      const nMax = Math.max(...items.map((it) => it.stmt.bits * 2 ** Math.ceil(Math.log2(it.claims.length))));
      await ensureGens(nMax, (d, n) => progress("generators", d, n));
      const ok = verifyBatch2(items);
      const bad = ok ? [] : findInvalid2(items);
      await progress("range proofs", items.length, items.length);
      if (!ok) issues.push("range proof(s) do not verify at level(s) " + bad.map((i) => String(levels[i])).slice(0, 10).join(", "));
    }
    if (issues.length) res.failed("client.range_proofs", issues.join("; "));
    else res.passed("client.range_proofs", `${items.length} sibling block(s) prove every sibling column in [0, 2^64)`);
  }
  function collateralCoefficients(columns2, prices, haircuts) {
    const out = [];
    for (const c of columns2) {
      const p = prices.get(c.asset);
      if (typeof p !== "bigint" || !(p > 0n && p < MAX_VALUE)) throw new Bad(`price of ${c.asset} missing or not a positive integer below 2^64`);
      if (c.kind === "equity") {
        const h = haircuts.get(c.asset);
        if (typeof h !== "bigint" || !(h >= 0n && h <= BPS)) throw new Bad(`haircut of ${c.asset} missing or not an integer in [0, 10000] bps`);
        out.push(h * p);
      } else out.push(-BPS * p);
    }
    return out;
  }
  function sameMap(published, mine) {
    if (published.size !== mine.size) return false;
    for (const [a, v] of published) if (mine.get(a) !== v) return false;
    return true;
  }
  async function clientCollateral(res, p, leafCols, prices, haircuts, collName, progress) {
    const hasDebt = p.columns.some((c, i) => c.kind === "debt" && p.values[i] !== 0n);
    if (!hasDebt) {
      res.passed("client.collateral", "no debt: no collateral proof needed");
      return;
    }
    const coll = p.collateral;
    if (coll === null) {
      res.failed("client.collateral", "the client has debt but the proof carries no collateral section");
      return;
    }
    let fp, fh;
    try {
      fp = new Map(pyDict(need(coll, "prices")).map(([a, v]) => [String(a), dec(v, `collateral.prices.${a}`)]));
      fh = new Map(pyDict(need(coll, "haircuts_bps")).map(([a, v]) => [String(a), int2(v, 0, 10001, `collateral.haircuts_bps.${a}`)]));
    } catch (e) {
      res.failed("client.collateral", `malformed collateral section: ${e.message}`);
      return;
    }
    if (prices !== null && !sameMap(prices, fp)) {
      res.failed("client.collateral", "the proof's prices differ from the published prices");
      return;
    }
    if (haircuts !== null && !sameMap(haircuts, fh)) {
      res.failed("client.collateral", "the proof's haircuts differ from the published haircuts");
      return;
    }
    let coeffs;
    try {
      coeffs = collateralCoefficients(p.columns, fp, fh);
    } catch (e) {
      res.failed("client.collateral", `prices or haircuts unusable: ${e.message}`);
      return;
    }
    if (p.mode === "plain") {
      let cv = 0n;
      coeffs.forEach((c, i) => {
        cv += c * p.values[i];
      });
      res.add("client.collateral", cv >= 0n, cv >= 0n ? "debt covered by haircut collateral (checked in the clear)" : `debt not covered by collateral: short by ${-cv} price units x 10^4`);
      return;
    }
    let proof;
    try {
      const raw = need(coll, "proof");
      proof = raw === null ? null : b642(raw, "collateral.proof");
    } catch (e) {
      res.failed("client.collateral", e.message);
      return;
    }
    if (proof === null) {
      res.failed("client.collateral", "the client has debt but no collateral proof");
      return;
    }
    const ctx = collateralContext(p.epochId, p.context, p.height, p.position);
    await progress("collateral", 0, 1);
    await ensureGens(load(collName).bits, (d, n) => progress("generators", d, n));
    let ok;
    try {
      ok = verify2(load(collName), [{ commitments: leafCols, coefficients: coeffs, constant: 0n }], proof, ctx);
    } catch (e) {
      res.failed("client.collateral", `collateral proof unusable (${e.message})`);
      return;
    }
    await progress("collateral", 1, 1);
    res.add("client.collateral", ok, ok ? "collateral proof verifies: debt covered by haircut collateral" : "collateral proof does not verify at the given prices and haircuts");
  }
  function treeDescriptionProblem(tree, epochId) {
    if (!isObj(tree)) return `it is a ${pyType(tree)}, not an object`;
    for (const key of ["mode", "epoch_id", "columns", "height", "block_size", "root_hash", "root", "context", "statements", "leaf_format"]) {
      if (!has(tree, key)) return `it has no '${key}'`;
    }
    const badLeaf = checkLeafFormat(tree.leaf_format);
    if (badLeaf) return badLeaf;
    const { mode: mode2, columns: cols, height } = tree;
    if (!MODES.includes(mode2)) return "mode is not one of committed, plain";
    if (epochId !== null && !pyEq(tree.epoch_id, epochId)) return `it names epoch ${trunc(pyRepr(tree.epoch_id), 60)}, the manifest '${trunc(epochId, 60)}'`;
    if (!Array.isArray(cols) || !cols.length || !cols.every((c) => Array.isArray(c) && c.length === 2 && c.every((x) => typeof x === "string"))) {
      return "columns is not a non-empty list of [asset, kind] pairs";
    }
    if (typeof height !== "bigint" || height < 1n || height > 40n) return "height is not an integer in [1, 40]";
    const badBlock = blockSizeProblem(tree.block_size, cols.length, mode2);
    if (badBlock) return badBlock;
    const rh = tree.root_hash;
    if (typeof rh !== "string" || rh.length !== 64 || !HEX.test(rh)) return "root_hash is not 32 bytes of lower-case hex";
    const root = tree.root;
    if (!Array.isArray(root) || root.length !== cols.length || !root.every((x) => typeof x === "string")) return `root is not a list of ${cols.length} strings`;
    if (mode2 === "committed" && !root.every((x) => x.length === 96 && HEX.test(x))) return "root is not a list of 48-byte hex commitments";
    if (mode2 === "plain" && !root.every((x) => DEC2.test(x))) return "root is not a list of decimal sums";
    const ctx = tree.context;
    if (typeof ctx !== "string" || ctx.length % 2 || !HEX.test(ctx)) return "context is not lower-case hex";
    if (!isObj(tree.statements)) return "statements is not an object";
    return null;
  }
  async function verifyInclusion({ proofBytes, proofName = "proof.json", manifestBytes, operatorKey, accountId = null, onProgress = null }) {
    const res = new Result(`inclusion proof ${proofName}`);
    let proof;
    try {
      proof = parseJson(utf8Decode(proofBytes));
    } catch (e) {
      res.failed("client.file", `${proofName} is not a readable JSON proof file (${e instanceof JsonError ? "ValueError" : e.name})`);
      return res;
    }
    if (!isObj(proof)) {
      res.failed("client.file", `${proofName}: a proof file is a JSON object`);
      return res;
    }
    const fmt = has(proof, "format") ? proof.format : "no format";
    res.passed("client.file", `${proofName} reads as JSON (${trunc(typeof fmt === "string" ? fmt : pyRepr(fmt), 60)})`);
    const who = get(proof, "account_id");
    if (typeof who === "string") res.subject = `inclusion proof ${proofName} for ACCOUNT '${trunc(who, 200)}'`;
    let manifest;
    try {
      manifest = Manifest.fromBytes(manifestBytes);
    } catch (e) {
      res.failed("manifest", e instanceof BundleError ? e.message : `the manifest does not read (${e.name})`);
      return res;
    }
    const m = manifest.signed;
    try {
      checkManifest({ signed: m, signatures: manifest.signatures });
    } catch (e) {
      if (!(e instanceof ShapeError)) throw e;
      res.failed("manifest", `manifest.json: ${e.message}`);
      return res;
    }
    const opHex = String(operatorKey || "").trim().toLowerCase();
    const ok = manifest.signaturesBy("operator").some((s) => manifest.verifySignature(s, opHex));
    res.add("manifest.signature", ok, `operator signature over the manifest ${ok ? "verifies" : "does NOT verify"} with the operator key you pinned`);
    const auditors = manifest.signaturesBy("auditor").filter((s) => manifest.verifySignature(s)).map((s) => trunc(get(s, "signer") ?? "?", 60));
    res.passed("client.trust", `this verdict rests on the operator key you pinned (${opHex.slice(0, 16)}…); ` + (auditors.length ? `an auditor co-signature is present (${auditors.join(", ")}; its key is not pinned by you)` : "no auditor has co-signed this manifest") + "; the asset decimals, haircuts and price policies behind your collateral check are the manifest's reserves configuration, which only an auditor with the ledger checks against the governed one");
    const eid = m.epoch_id;
    const sameEpoch = pyEq(get(proof, "epoch_id") ?? null, eid);
    res.add("client.epoch", sameEpoch, `the proof is for epoch ${trunc(pyRepr(get(proof, "epoch_id")), 80)}` + (sameEpoch ? "" : `, the bundle is epoch '${trunc(eid, 80)}'`));
    const want = get(proof, "manifest_sha256") ?? null;
    const same = want !== null && pyEq(want, manifest.sha256);
    res.add("client.manifest", same, same ? "the proof points at this manifest" : want === null ? "the proof names no manifest (manifest_sha256 missing)" : `the proof points at manifest ${trunc(typeof want === "string" ? want : pyRepr(want), 16)}…, the bundle's is ${manifest.sha256.slice(0, 16)}…`);
    const tree = get(m, "tree");
    const problem = treeDescriptionProblem(tree, eid);
    if (problem !== null) {
      res.failed("manifest.tree", `the manifest's tree description is unusable: ${problem}`);
      return res;
    }
    res.passed("manifest.tree", `tree description: ${tree.mode} mode, height ${tree.height}, block size ${tree.block_size}, ${LEAF_FORMAT}`);
    const mcols = get(m, "columns");
    if (!Array.isArray(mcols) || !mcols.every((c) => isObj(c) && typeof get(c, "asset") === "string" && typeof get(c, "kind") === "string")) {
      res.failed("manifest.columns", "the manifest's columns are not a list of {asset, kind} objects");
      return res;
    }
    const top = mcols.map((c) => [c.asset, c.kind]);
    if (!pyEq(top, tree.columns)) {
      res.failed("manifest.columns", "the manifest's columns differ from its tree description's columns (labels or order): the published figures could be read against the wrong assets");
      return res;
    }
    res.passed("manifest.columns", `the manifest's ${top.length} column(s) are its tree description's, in order`);
    let prices, haircuts;
    try {
      [prices, haircuts] = collateralTerms(m);
    } catch (e) {
      res.failed("manifest.prices", e.message);
      return res;
    }
    const r = await verifyClientProof(proof, {
      rootHash: tree.root_hash,
      rootCommitments: tree.root,
      epochId: eid,
      prices,
      haircuts,
      accountId,
      columns: top,
      expected: tree,
      onProgress
    });
    res.checks.push(...r.checks);
    if (res.ok) {
      const shown = top.map(([a, kd], i) => [a, kd, proof.values[i]]).filter(([, , v]) => BigInt(v.replace("\n", "")) !== 0n).map(([a, kd, v]) => `${a}:${kd}=${v}`).join(", ");
      res.passed("client.included", `account '${proof.account_id}': your balances (${shown || "all zero"}) are included in the liabilities of epoch ${eid}`);
    }
    return res;
  }

  // src/bls.js
  var bls_exports = {};
  __export(bls_exports, {
    DST: () => DST,
    aggregateVerify: () => aggregateVerify,
    fastAggregateVerify: () => fastAggregateVerify,
    verify: () => verify3
  });
  var DST = utf8("BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_");
  var G2 = bls12_381.G2.ProjectivePoint;
  function decodeSig(b) {
    if (!(b instanceof Uint8Array) || b.length !== 96) throw new Error("a signature is 96 bytes");
    const p = G2.fromHex(b);
    const re = p.toRawBytes(true);
    if (re.length !== b.length || re.some((x, i) => x !== b[i])) throw new Error("non-canonical signature");
    return p;
  }
  function verify3(pk, message, sig) {
    try {
      const P2 = decode(pk);
      const S = decodeSig(sig);
      const H = bls12_381.G2.hashToCurve(message, { DST });
      return bls12_381.verify(S, H, P2);
    } catch {
      return false;
    }
  }
  function fastAggregateVerify(pks, message, sig) {
    try {
      if (!pks.length) return false;
      let sum = null;
      for (const pk of pks) {
        const P2 = decode(pk);
        sum = sum ? sum.add(P2) : P2;
      }
      if (sum.equals(bls12_381.G1.ProjectivePoint.ZERO)) return false;
      const S = decodeSig(sig);
      return bls12_381.verify(S, bls12_381.G2.hashToCurve(message, { DST }), sum);
    } catch {
      return false;
    }
  }
  function aggregateVerify(pks, messages, sig) {
    try {
      if (!pks.length || pks.length !== messages.length) return false;
      const Ps = pks.map((pk) => decode(pk));
      const S = decodeSig(sig);
      return bls12_381.verifyBatch(S, messages.map((m) => bls12_381.G2.hashToCurve(m, { DST })), Ps);
    } catch {
      return false;
    }
  }

  // src/page.js
  var STAGES = {
    leaf: "recomputing your leaf",
    path: "folding the path to the root",
    generators: "deriving generators",
    "range proofs": "verifying the siblings' range proofs",
    collateral: "verifying your collateral proof"
  };
  var KEY_STORE = "por.operator-key";
  function majorUnits(value, decimals2) {
    const v = BigInt(value);
    if (!decimals2) return v.toString();
    const s = v.toString().padStart(decimals2 + 1, "0");
    const whole = s.slice(0, -decimals2), frac = s.slice(-decimals2).replace(/0+$/, "");
    return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (frac ? "." + frac : "");
  }
  function startPage(doc) {
    const $ = (id) => doc.getElementById(id);
    const el = (tag, cls, text2) => {
      const e = doc.createElement(tag);
      if (cls) e.className = cls;
      if (text2 !== void 0) e.textContent = text2;
      return e;
    };
    enableMemo();
    const keyInput = $("operator-key");
    try {
      keyInput.value = globalThis.localStorage?.getItem(KEY_STORE) || "";
    } catch {
    }
    const served = doc.location && /^https?:$/.test(doc.location.protocol);
    let busy = false;
    function reset() {
      $("result").hidden = false;
      $("checks").replaceChildren();
      $("subject").textContent = "";
      $("verdict").textContent = "";
      $("verdict").className = "";
      $("verdict").removeAttribute("data-ok");
      $("balances-box").hidden = true;
      $("balances").tBodies[0].replaceChildren();
      setProgress(0, "starting");
    }
    function setProgress(fraction, text2) {
      $("progress").value = Math.round(Math.max(0, Math.min(1, fraction)) * 1e3);
      $("stage").textContent = text2;
    }
    const nextFrame = () => new Promise((r) => setTimeout(r, 0));
    async function onProgress(stage, done, total) {
      const base = { leaf: 0, path: 0.05, "range proofs": 0.15, generators: 0.15, collateral: 0.9 }[stage] ?? 0;
      const span = { leaf: 0.05, path: 0.1, generators: 0.6, "range proofs": 0.75, collateral: 0.1 }[stage] ?? 0;
      setProgress(base + (total ? span * (done / total) : 0), `${STAGES[stage] || stage}${total > 1 ? ` (${done}/${total})` : ""}`);
      await nextFrame();
    }
    function fail2(id, message) {
      reset();
      show({ subject: "", ok: false, checks: [{ id, ok: false, status: "failed", message }] }, null, null);
    }
    function show(result, proof, manifestBytes) {
      $("subject").textContent = result.subject;
      const list2 = $("checks");
      for (const c of result.checks) {
        const li = el("li", c.ok ? "ok" : "fail");
        li.dataset.id = c.id;
        li.dataset.ok = String(c.ok);
        li.append(el("span", "badge", c.ok ? "OK" : "FAIL"), el("span", "id", c.id), el("span", "msg", c.message));
        list2.append(li);
      }
      const v = $("verdict");
      v.dataset.ok = String(result.ok);
      v.className = result.ok ? "ok" : "fail";
      const first = result.checks.find((c) => !c.ok);
      v.textContent = result.ok ? "PASS: your balances are included in the published liabilities." : `FAILED: ${first ? first.id : "no check ran"}. Do not rely on this proof; contact the operator or the auditor.`;
      setProgress(1, result.ok ? "done" : "done (a check failed)");
      if (result.ok && proof) balances(proof, manifestBytes);
    }
    function balances(proof, manifestBytes) {
      let assets = null, governed = null;
      try {
        const signed2 = get(parseJson(utf8Decode(manifestBytes)), "signed");
        assets = get(signed2, "assets");
        governed = get(get(signed2, "reserves_config"), "assets");
      } catch {
        assets = null;
      }
      const body = $("balances").tBodies[0];
      const cols = proof.columns, vals = proof.values;
      cols.forEach(([asset2, kind], i) => {
        const info = isObj(governed) && isObj(get(governed, asset2)) ? get(governed, asset2) : isObj(assets) ? get(assets, asset2) : void 0;
        const d = isObj(info) && typeof get(info, "decimals") === "bigint" ? Number(info.decimals) : 0;
        const tr = el("tr");
        tr.dataset.asset = asset2;
        tr.dataset.kind = kind;
        tr.append(el("td", "", asset2), el("td", "", kind), el("td", "num", `${majorUnits(vals[i].trim(), d)} ${asset2}`));
        body.append(tr);
      });
      $("balances-box").hidden = false;
    }
    async function run(proofBytes, proofName, manifestBytes) {
      const key = keyInput.value.trim();
      if (!/^[0-9a-fA-F]{64}$/.test(key)) {
        fail2("manifest.signature", "give the operator's public key: 64 hex digits, obtained independently of this site");
        return;
      }
      try {
        globalThis.localStorage?.setItem(KEY_STORE, key.toLowerCase());
      } catch {
      }
      reset();
      await nextFrame();
      const account = $("account").value.trim() || null;
      const t0 = Date.now();
      const res = await verifyInclusion({ proofBytes, proofName, manifestBytes, operatorKey: key, accountId: account, onProgress });
      let proof = null;
      try {
        proof = parseJson(utf8Decode(proofBytes));
      } catch {
        proof = null;
      }
      show(res.toJSON(), proof, manifestBytes);
      $("stage").textContent += ` in ${((Date.now() - t0) / 1e3).toFixed(1)} s`;
    }
    async function guarded(fn) {
      if (busy) return;
      busy = true;
      for (const b of doc.querySelectorAll("button")) b.disabled = true;
      try {
        await fn();
      } catch (e) {
        fail2("client.file", `could not verify: ${e && e.message ? e.message : e}`);
      } finally {
        busy = false;
        for (const b of doc.querySelectorAll("button")) b.disabled = false;
      }
    }
    const readFile = (f) => f.arrayBuffer().then((b) => new Uint8Array(b));
    $("verify-files").addEventListener("click", () => guarded(async () => {
      const pf = $("proof-file").files[0], mf = $("manifest-file").files[0];
      if (!pf) {
        fail2("client.file", "choose your proof file");
        return;
      }
      if (!mf) {
        fail2("manifest", "choose the epoch's manifest.json");
        return;
      }
      await run(await readFile(pf), pf.name, await readFile(mf));
    }));
    if (served) {
      $("served").hidden = false;
      $("files-title").textContent = "3. Or verify files you downloaded";
      const sel = $("epoch");
      fetch("/v1/epochs", { credentials: "omit", cache: "no-store" }).then((r) => r.ok ? r.json() : { epochs: [] }).then((d) => {
        const eps = Array.isArray(d.epochs) ? d.epochs.filter((e) => typeof e === "string") : [];
        for (const e of eps.slice().reverse()) sel.append(new Option(e, e));
      }).catch(() => {
      });
      $("fetch-verify").addEventListener("click", () => guarded(async () => {
        const epoch = sel.value, token = $("token").value.trim();
        if (!epoch) {
          fail2("client.file", "no epoch is published on this service");
          return;
        }
        if (!token) {
          fail2("client.file", "paste the sign-in token your platform gave you");
          return;
        }
        const seg = encodeURIComponent(epoch);
        const pr = await fetch(`/v1/epochs/${seg}/proof`, { headers: { Authorization: `Bearer ${token}` }, credentials: "omit", cache: "no-store", redirect: "error" });
        if (!pr.ok) {
          fail2("client.file", pr.status === 401 ? "the service refused the token (expired or not valid): sign in again" : `the service has no proof for you in ${epoch} (HTTP ${pr.status})`);
          return;
        }
        const mr = await fetch(`/epochs/${seg}/manifest.json`, { credentials: "omit", cache: "no-store", redirect: "error" });
        if (!mr.ok) {
          fail2("manifest", `the manifest of ${epoch} could not be fetched (HTTP ${mr.status})`);
          return;
        }
        await run(new Uint8Array(await pr.arrayBuffer()), `${epoch} proof`, new Uint8Array(await mr.arrayBuffer()));
      }));
    }
  }

  // src/index.js
  var internals = { generators: generators_exports, leaf: leaf_exports };
  if (typeof document !== "undefined" && document.getElementById("por-verifier")) startPage(document);
  return __toCommonJS(index_exports);
})();
