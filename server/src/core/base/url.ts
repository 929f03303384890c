// How a URL from a kubeconfig is shown anywhere (outline, hover, diagnostics, CLI, probe answers, status bar):
// credentials written into it are not.

/** Query or fragment parameter names that carry credentials: tokens, keys, passwords, signatures (X-Amz-Signature, sig, access_token, …). */
const SECRET_PARAMETER = /token|key|secret|pass|pwd|sig|auth|cred|session|jwt|bearer|code|otp/i;
/** A value that is a credential whatever its name: a JWT. */
const SECRET_VALUE = /^eyJ[A-Za-z0-9_-]{8,}/;

/** A server URL as shown anywhere: userinfo (https://user:password@host) and credential-named parameters hidden. */
export function shownServer(server: string): string {
  const noUser = server.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^@/?#\s]*@/i, '$1(credentials hidden)@');
  const at = noUser.search(/[?#;]/);
  if (at < 0) return noUser;
  // Parameters after ?, # or ;, split at & and ;, each hidden when its name or its value says it is a credential.
  const tail = noUser.slice(at).replace(/([?#&;])([^?#&;]*)/g, (whole, sep: string, part: string) => {
    const eq = part.indexOf('=');
    const name = eq < 0 ? '' : decoded(part.slice(0, eq));
    const value = eq < 0 ? part : part.slice(eq + 1);
    if (SECRET_PARAMETER.test(name) || SECRET_VALUE.test(decoded(value))) return `${sep}${eq < 0 ? '' : `${part.slice(0, eq)}=`}(hidden)`;
    return whole;
  });
  return noUser.slice(0, at) + tail;
}

function decoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
