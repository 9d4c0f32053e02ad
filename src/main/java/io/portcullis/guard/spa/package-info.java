/**
 * Single packet authorization as the stock fwknop client speaks it: a port stays closed until a client
 * sends one UDP datagram that proves it holds that client's keys and says which ports it wants opened.
 *
 * <p>Starting points: {@link io.portcullis.guard.spa.SpaDecoder} turns a received datagram into a
 * {@link io.portcullis.guard.spa.SpaMessage} or a {@link io.portcullis.guard.spa.SpaException} with a
 * countable reason; {@link io.portcullis.guard.spa.SpaKey} holds one client's keys as
 * {@code fwknop --key-gen} prints them.
 *
 * <p>The wire format, as fwknop 2.x builds it with Rijndael and an HMAC: the datagram is base64 text
 * without '=' padding. Its tail is the HMAC (base64, unpadded) computed over the text before it with
 * "U2FsdGVkX1" (the base64 of OpenSSL's "Salted__" marker, which the client strips) put back in front.
 * That text decodes to "Salted__", an 8-byte salt and AES-256 ciphertext; key and IV come from the
 * encryption key and the salt as OpenSSL's MD5-based EVP_BytesToKey derives them. The plaintext, padded
 * to the block size with PKCS#7-style bytes, is colon-separated: 16 random digits, base64 user name,
 * Unix timestamp, protocol version, message type, base64 access request, then by type a base64 NAT
 * request, an optional base64 server-auth field and a client timeout, and last a base64 digest of
 * everything before its colon. Checking the age of the timestamp and remembering replay digests is the
 * caller's job; nothing here keeps state between packets.
 */
package io.portcullis.guard.spa;
