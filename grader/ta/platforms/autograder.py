#!/usr/bin/env python3
"""Classroom 50 autograder of the deep-learning course.

The runner starts this once per submission, in the student's checkout, with
CLASSROOM, ASSIGNMENT, OWNER, SUBMISSION_TAG, COMMIT_URL, RELEASE_URL, ... set.
It grades the checkout with the course's own grader, which sits beside this
file in course/ (never with the grader files of the submission), and the
grader writes result.json and release-body.md into the checkout.

Exit 0 whenever grading ran: passing and failing checks alike are in
result.json. A non-zero exit means grading could not run (no Node.js, the
install failed, the grader stopped without a result), which the runner
reports as an error rather than as a grade.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Which lessons and checks this assignment grades (set by `ta publish`).
GRADE_ARGS: list[str] = []

here = Path(__file__).resolve().parent
submission = Path.cwd()
work = Path(os.environ.get("RUNNER_TEMP") or tempfile.mkdtemp()) / "course-grader"


def fail(message: str) -> None:
    print(f"::error::{message}", file=sys.stderr)
    sys.exit(1)


if shutil.which("node") is None or shutil.which("npm") is None:
    fail('Node.js is missing: give the assignment the runtime {"node": "24"}')

# A copy, so that grading never writes into the bundle the runner extracted.
shutil.copytree(here / "course", work, dirs_exist_ok=True, symlinks=True)
if not (work / "node_modules").exists():
    install = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=work)
    if install.returncode != 0:
        fail(f"npm ci failed with exit code {install.returncode}")

result = submission / "result.json"
result.unlink(missing_ok=True)
run = subprocess.run(
    ["npm", "run", "--silent", "ta", "--", "grade", str(submission),
     "--format", "classroom50", "--out", str(result), *GRADE_ARGS],
    cwd=work,
)
# 0: every check passed; 1: some check failed. Both are grades.
if run.returncode in (0, 1) and result.is_file():
    sys.exit(0)
fail(f"the grader could not grade this submission (exit code {run.returncode})")
