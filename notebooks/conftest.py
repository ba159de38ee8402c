"""Notebooks run by nbval keep the speech cache out of the real home (their kernels inherit this folder)."""

import atexit
import os
import shutil
import tempfile

if "VIDEOGEN_CACHE_DIR" not in os.environ:
    # set at import, before nbval starts a kernel; the tests' own fixtures override it while they run
    _folder = tempfile.mkdtemp(prefix="videogen-nbval-cache-")
    os.environ["VIDEOGEN_CACHE_DIR"] = _folder
    atexit.register(shutil.rmtree, _folder, ignore_errors=True)
