# The same decision as a Python wrapper (like entry.py in Python images).
# Usage: python3 python-wrapper.py PROGRAM HANDLER [ARG...] (more words than
# AWS's one, so that starts can be chained as bench/run times them).
import os
import sys

if len(sys.argv) < 3:
    sys.stderr.write("entrypoint requires the handler name to be the first argument\n")
    sys.exit(142)
if os.environ.get("AWS_LAMBDA_RUNTIME_API"):
    os.execv(sys.argv[1], sys.argv[1:])
os.execv("/usr/local/bin/aws-lambda-rie", ["aws-lambda-rie"] + sys.argv[1:])
