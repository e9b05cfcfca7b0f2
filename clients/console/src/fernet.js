// Fernet tokens (the spec Python's cryptography.fernet implements), built on audited primitives
// from @noble: AES-128-CBC with PKCS7 padding, HMAC-SHA256, constant-time comparison. Pure
// JavaScript, so it works where WebCrypto does not: a page opened over plain http:// from
// another host of the LAN. Random IVs come from crypto.getRandomValues, which every page has.
import { cbc } from '@noble/ciphers/aes';
import { equalBytes } from '@noble/ciphers/utils';
import { randomBytes } from '@noble/ciphers/webcrypto';
import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha2';

const version = 0x80;
const headerBytes = 1 + 8 + 16;
const macBytes = 32;

export class FernetError extends Error {}

function toBase64Url(bytes) {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_');
}

function fromBase64Url(text) {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) {
    throw new FernetError('not base64url with padding');
  }
  const binary = atob(trimmed.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export class Fernet {
  // key: 44 characters of base64url, as Fernet.generate_key() writes it.
  constructor(key) {
    let bytes;
    try {
      bytes = fromBase64Url(key);
    } catch {
      throw new FernetError('the key is not base64url: paste the 44 characters of a Fernet key');
    }
    if (bytes.length !== 32) {
      throw new FernetError(`the key is ${bytes.length} bytes, a Fernet key is 32 (44 characters)`);
    }
    this.signingKey = bytes.slice(0, 16);
    this.encryptionKey = bytes.slice(16);
  }

  // unixSeconds: the time the token says it was made (the gateway's clock, when known).
  encrypt(plaintext, unixSeconds = Math.floor(Date.now() / 1000)) {
    const iv = randomBytes(16);
    const ciphertext = cbc(this.encryptionKey, iv).encrypt(new TextEncoder().encode(plaintext));
    const token = new Uint8Array(headerBytes + ciphertext.length + macBytes);
    token[0] = version;
    new DataView(token.buffer).setBigUint64(1, BigInt(unixSeconds));
    token.set(iv, 9);
    token.set(ciphertext, headerBytes);
    const signed = token.subarray(0, headerBytes + ciphertext.length);
    token.set(hmac(sha256, this.signingKey, signed), signed.length);
    return toBase64Url(token);
  }

  // The plaintext; FernetError when the token is malformed or not made with this key. The age
  // is not checked: replies are matched to requests by id, and the gateway checks ours.
  decrypt(token) {
    const bytes = fromBase64Url(token);
    if (bytes.length < headerBytes + 16 + macBytes || bytes[0] !== version) {
      throw new FernetError('not a Fernet token');
    }
    const signedLength = bytes.length - macBytes;
    const expected = hmac(sha256, this.signingKey, bytes.subarray(0, signedLength));
    if (!equalBytes(expected, bytes.subarray(signedLength))) {
      throw new FernetError('the token does not match the key');
    }
    const iv = bytes.subarray(9, headerBytes);
    const plaintext = cbc(this.encryptionKey, iv).decrypt(bytes.subarray(headerBytes, signedLength));
    return new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
  }
}
