#!/usr/bin/python3
# check-man-page.py: does mcp-sse.1 say what `mcp-sse --help` says?
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: check-man-page.py TOOL MAN-PAGE
#
# Compares the options, commands and exit statuses that the built tool
# prints for --help with those the manual page documents, in both
# directions, and checks that groff formats the page without a warning.
# Prints TAP.

import os
import re
import shutil
import subprocess
import sys
import traceback


def help_text(tool):
    result = subprocess.run([tool, '--help'], capture_output=True, text=True,
                            timeout=30, env=dict(os.environ, LC_ALL='C'))
    assert result.returncode == 0, result.stderr
    return result.stdout


def help_options(text):
    long_options = set(re.findall(r'^\s+(?:-\w, )?--([a-z][a-z-]*)', text, re.M))
    short_options = set(re.findall(r'^\s+-(\w), --', text, re.M))
    return long_options, short_options


def help_section(text, title):
    """The lines of the section that starts with "@title:"."""
    lines = text.split(title + ':\n', 1)[1].split('\n\n', 1)[0]
    return lines.splitlines()


def man_options(page):
    # In roff source a literal hyphen is written \-.
    long_options = set(re.findall(r'\\-\\-([a-z](?:[a-z]|\\-)*)', page))
    long_options = {option.replace('\\-', '-') for option in long_options}
    short_options = set(re.findall(r'^\.BR? \\-(\w)\b', page, re.M))
    return long_options, short_options


def man_section(page, title):
    return page.split('.SH ' + title + '\n', 1)[1].split('\n.SH ', 1)[0]


tests = []


def test(function):
    tests.append(function)
    return function


@test
def long_options_match(text, page):
    in_help, _ = help_options(text)
    in_man, _ = man_options(page)
    assert len(in_help) >= 5, 'too few options found in --help: %s' % sorted(in_help)
    assert in_help - in_man == set(), 'not in the man page: %s' % sorted(in_help - in_man)
    assert in_man - in_help == set(), 'not in --help: %s' % sorted(in_man - in_help)


@test
def short_options_match(text, page):
    _, in_help = help_options(text)
    _, in_man = man_options(page)
    assert in_help, 'no short option found in --help'
    assert in_help == in_man, '--help: %s, man page: %s' % (sorted(in_help), sorted(in_man))


@test
def every_option_has_an_entry(text, page):
    in_help, _ = help_options(text)
    options = man_section(page, 'OPTIONS')
    for option in in_help:
        written = re.escape('\\-\\-' + option.replace('-', '\\-'))
        assert re.search(written + r'(?![a-z]|\\-)', options), '--%s is not in OPTIONS' % option


@test
def commands_match(text, page):
    in_help = {line.split()[0] for line in help_section(text, 'Commands')
               if re.match(r'^  [a-z(]', line)}
    commands = man_section(page, 'COMMANDS')
    # Each command is the tag of a .TP paragraph.
    in_man = set(re.findall(r'^\.TP\n(?:\.BI? )?"?([a-z]+|\(none\))', commands, re.M))
    assert len(in_help) >= 3, 'too few commands found in --help: %s' % sorted(in_help)
    assert in_help == in_man, '--help: %s, man page: %s' % (sorted(in_help), sorted(in_man))


@test
def exit_statuses_match(text, page):
    statuses = text.split('Exit status:', 1)[1]
    in_help = set(re.findall(r'(\d+) [a-z]', statuses))
    in_man = set(re.findall(r'^\.B (\d+)$', man_section(page, 'EXIT STATUS'), re.M))
    assert len(in_help) >= 3, 'too few exit statuses found in --help: %s' % sorted(in_help)
    assert in_help - in_man == set(), 'not in the man page: %s' % sorted(in_help - in_man)


@test
def groff_formats_it_cleanly(text, page):
    groff = shutil.which('groff')
    if groff is None:
        return 'SKIP groff is not installed'
    result = subprocess.run([groff, '-man', '-ww', '-z', '-Tutf8', sys.argv[2]],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and result.stderr == '', result.stderr


def main(argv):
    if len(argv) != 3:
        print('usage: %s TOOL MAN-PAGE' % argv[0], file=sys.stderr)
        return 2

    text = help_text(argv[1])
    with open(argv[2], encoding='utf-8') as file:
        page = file.read()

    print('1..%d' % len(tests))
    failed = 0
    for number, function in enumerate(tests, 1):
        try:
            outcome = function(text, page)
            directive = ' # ' + outcome if outcome else ''
            print('ok %d - %s%s' % (number, function.__name__, directive))
        except Exception:
            failed += 1
            print('not ok %d - %s' % (number, function.__name__))
            for line in traceback.format_exc().splitlines():
                print('# ' + line)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
