"""Shared helpers for the end-to-end tests: run mkbrochure, read PDFs back with poppler."""
import os
import re
import subprocess
import tempfile
import unittest

MKBROCHURE = os.environ.get("MKBROCHURE", "mkbrochure")
SOURCE_DIR = os.environ.get("MB_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD_DIR = os.environ.get("MB_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))
DATA = os.path.join(SOURCE_DIR, "tests", "data")
SEEDS = os.path.join(DATA, "seeds")
EPOCH = "1700000000"


def run(args, cwd=None, env_extra=None, input_bytes=None):
    """Runs mkbrochure with args; returns the CompletedProcess (stdout bytes, stderr text)."""
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = EPOCH
    if env_extra:
        env.update(env_extra)
    p = subprocess.run([MKBROCHURE] + list(args), cwd=cwd, env=env, input=input_bytes,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    p.stderr = p.stderr.decode("utf-8", "replace")
    return p


def tool(*args):
    """Output of a poppler or qpdf command as text."""
    p = subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if p.returncode not in (0, 2, 3):  # qpdf uses 2/3 for errors/warnings
        raise AssertionError(f"{args[0]} failed: {p.stderr.decode()}")
    return p.stdout.decode("utf-8", "replace")


def pdftext(path, *opts):
    return tool("pdftotext", *opts, path, "-")


# mkbrochure sets straight quotes curly (and -- and --- as dashes): compare them as typed.
SMART = str.maketrans({"\u201C": '"', "\u201D": '"', "\u2018": "'", "\u2019": "'"})


def normalise(text):
    """Joins words broken at a hyphen at a line end, collapses whitespace and straightens
    quotes."""
    text = text.replace("\u00A0", " ").translate(SMART)
    text = text.replace("---", "\u2014").replace("--", "\u2013")
    text = re.sub(r"-[ \t]*\n\s*", "-", text)
    return " ".join(text.split())


def found(needle, flat):
    """needle is in the normalised text flat; poppler joins a word broken after a hyphen at a
    line end and drops the hyphen, so hyphens do not count."""
    return needle in flat or needle.replace("-", "") in flat.replace("-", "")


def pdfinfo(path, *opts):
    info = {}
    for line in tool("pdfinfo", *opts, path).splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def pdffonts(path):
    """Rows of pdffonts as dicts with name, emb, sub, uni."""
    lines = tool("pdffonts", path).splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object ID
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def article_lines():
    """The Hindi article's prose lines: the seed minus its wiki leftovers, as the brochure
    prints them (template prefixes and stray brackets removed)."""
    with open(os.path.join(SEEDS, "004_f3544e220a8ca9cb.txt"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    prose = []
    for line in lines:
        s = line.strip()
        if not s or s.startswith("साँचा:Sound") or s.startswith("File:"):
            continue
        if s.startswith("निर्देशांक:") or s.startswith("William Rogers ·"):
            continue
        s = s.replace("साँचा:Sample box end", "").replace(" ] ", " ").replace("]]]]", "")
        prose.append(s)
    return prose


def hindi_words():
    words = set()
    for line in article_lines():
        for w in line.split():
            if re.search("[\u0900-\u097F]", w):
                words.add(w)
    return words


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="mb-e2e-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, text, mode="w"):
        p = self.path(name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if isinstance(text, bytes):
            with open(p, "wb") as f:
                f.write(text)
        else:
            with open(p, "w", encoding="utf-8") as f:
                f.write(text)
        return p
