#!/bin/sh
# The decision AWS's /lambda-entrypoint.sh makes, as a shell script: the
# reference lambda-entrypoint replaces. Usage: aws-style-wrapper.sh PROGRAM
# HANDLER [ARG...] (more words than AWS's one, so that starts can be chained
# as bench/run times them).
if [ $# -lt 2 ]; then
  echo "entrypoint requires the handler name to be the first argument" 1>&2
  exit 142
fi
if [ -z "${AWS_LAMBDA_RUNTIME_API}" ]; then
  exec /usr/local/bin/aws-lambda-rie "$@"
else
  exec "$@"
fi
