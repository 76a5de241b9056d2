#!/bin/sh
# The decision AWS's /lambda-entrypoint.sh makes, as a shell script: the
# reference lambda-entrypoint replaces. Usage: aws-style-wrapper.sh PROGRAM HANDLER
if [ $# -ne 2 ]; then
  echo "entrypoint requires the handler name to be the first argument" 1>&2
  exit 142
fi
if [ -z "${AWS_LAMBDA_RUNTIME_API}" ]; then
  exec /usr/local/bin/aws-lambda-rie "$1" "$2"
else
  exec "$1" "$2"
fi
