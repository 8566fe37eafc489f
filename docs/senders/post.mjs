// What the three senders share: POST the signed body, print the hub's answer, and exit 0 only
// on 202 (accepted) or 200 (a redelivery of an accepted delivery), so a script can retry.
export async function post(url, headers, body) {
  const response = await fetch(url, { method: 'POST', headers, body });
  console.log(response.status, await response.text());
  process.exitCode = response.status === 202 || response.status === 200 ? 0 : 1;
}

// The secret comes from the environment, not the command line, where `ps` would show it.
export function secret() {
  const value = process.env.SWITCHBOARD_WEBHOOK_SECRET;
  if (!value) {
    console.error('set SWITCHBOARD_WEBHOOK_SECRET to the source\'s secret');
    process.exit(2);
  }
  return value;
}
