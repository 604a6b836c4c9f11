import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { fail, orFail } from "./fail.ts";

/**
 * Reads a certificate and its key (PEM) and checks that they are what they say and belong together,
 * so a wrong file is one line at start that names it, not an OpenSSL code from the listener.
 */
export function readTls(program: string, certPath: string, keyPath: string): { cert: string; key: string } {
  const cert = orFail(`${program}: cannot read --tls-cert ${certPath}`, () => readFileSync(certPath, "utf8"));
  const key = orFail(`${program}: cannot read --tls-key ${keyPath}`, () => readFileSync(keyPath, "utf8"));
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    fail(
      `${program}: --tls-cert ${certPath} is not a PEM certificate (a text file that starts -----BEGIN CERTIFICATE-----)`,
    );
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    fail(
      `${program}: --tls-key ${keyPath} is not a PEM private key, or needs a passphrase (the server takes a key without one: openssl pkey -in ${keyPath} -out plain.key)`,
    );
  }
  if (!x509.checkPrivateKey(privateKey)) {
    fail(
      `${program}: --tls-key ${keyPath} is not the key of --tls-cert ${certPath} (give the key the certificate was made with)`,
    );
  }
  return { cert, key };
}
