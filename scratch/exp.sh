#!/bin/bash
# usage: exp.sh BUCKET_MS [filter]

npx asc assembly/index.ts --target release 2>&1 | grep -v nodedir
npx tsc -p tsconfig.json 2>&1 | grep -v nodedir | head -5
node dist/scratch/run.js $2
