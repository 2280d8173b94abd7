#!/bin/bash
# usage: exp.sh BUCKET_MS [filter]
sed -i "s/^const MIN_BUCKET_MS: f64 = .*/const MIN_BUCKET_MS: f64 = $1;/" assembly/arrival.ts
npx asc assembly/index.ts --target release 2>&1 | grep -v nodedir
npx tsc -p tsconfig.json 2>&1 | grep -v nodedir | head -5
node dist/scratch/run.js $2
