#!/usr/bin/python3
# test-install.py: install the build into a scratch directory and use it
# the way a program outside this project would
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: test-install.py MESON BUILD-DIR CONSUMER.C VERSION
#
# Runs `meson install --destdir` into a new temporary directory, checks
# that every file the build installs is there, builds CONSUMER.C with only
# the flags of `pkg-config --cflags --libs mcp-sse-1` and runs it against
# the installed library, then loads the installed typelib from Python and
# compiles a Vala program against the installed VAPI when those were
# built. Prints TAP.
#
# pkg-config runs with PKG_CONFIG_SYSROOT_DIR set to the scratch directory,
# which makes every -I and -L flag point into it. The scratch directory
# holds only this project, so a flag whose directory is not there names a
# directory of the system (GLib's headers, say) and keeps its system path:
# the scratch directory acts as a sysroot laid over the system.

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import traceback

PACKAGE = 'mcp-sse-1'
DEADLINE = 300

EXPECTED_CONSUMER_OUTPUT = '''\
version {version}
event endpoint: /message?sessionId=1
state disconnected
'''

VALA_PROGRAM = '''\
int main () {
    var parser = new McpSse.EventParser ();
    string? data = null;
    parser.event.connect ((event) => { data = event.get_data (); });
    try {
        parser.feed ("data: from Vala\\n\\n".data);
    } catch (Error error) {
        return 1;
    }
    print ("%s %s\\n", McpSse.VERSION_S, data);
    return 0;
}
'''


def run(command, **kwargs):
    kwargs.setdefault('capture_output', True)
    kwargs.setdefault('text', True)
    kwargs.setdefault('timeout', DEADLINE)
    return subprocess.run(command, stdin=subprocess.DEVNULL, **kwargs)


def describe(command, result):
    return '%s: exit status %d\n--- stdout\n%s--- stderr\n%s' % (
        shlex.join(str(part) for part in command), result.returncode,
        result.stdout, result.stderr)


def check_run(command, **kwargs):
    result = run(command, **kwargs)
    assert result.returncode == 0, describe(command, result)
    return result


class Install:
    def __init__(self, meson, build_dir, destdir):
        self.meson = meson
        self.build_dir = build_dir
        self.destdir = destdir
        options = {option['name']: option['value'] for option in
                   self.introspect('--buildoptions')}
        self.prefix = options['prefix']
        self.libdir = os.path.join(self.prefix, options['libdir'])

    def introspect(self, what):
        result = check_run([self.meson, 'introspect', what, self.build_dir])
        return json.loads(result.stdout)

    def path(self, installed_path):
        """Where @installed_path is in the scratch directory."""
        return self.destdir + installed_path

    def installed_files(self):
        return list(self.introspect('--installed').values())

    def pkg_config_env(self):
        env = dict(os.environ)
        env['PKG_CONFIG_PATH'] = self.path(os.path.join(self.libdir, 'pkgconfig'))
        env['PKG_CONFIG_SYSROOT_DIR'] = self.destdir
        return env

    def runtime_env(self):
        env = dict(os.environ)
        env['LD_LIBRARY_PATH'] = self.path(self.libdir)
        env['GI_TYPELIB_PATH'] = self.path(os.path.join(self.libdir, 'girepository-1.0'))
        return env

    def flags(self, *arguments):
        result = check_run(['pkg-config'] + list(arguments) + [PACKAGE],
                           env=self.pkg_config_env())
        flags = []
        for flag in shlex.split(result.stdout):
            if flag[:2] in ('-I', '-L') and flag[2:].startswith(self.destdir + '/') \
               and not os.path.isdir(flag[2:]):
                flag = flag[:2] + flag[2 + len(self.destdir):]
            flags.append(flag)
        return flags

    def compile(self, sources, output, extra=()):
        compiler = shlex.split(os.environ.get('CC', 'cc'))
        command = compiler + ['-std=gnu11', '-Wall', '-Wextra', '-Werror',
                              '-Wno-unused-parameter'] + list(extra) + \
            list(sources) + ['-o', output] + self.flags('--cflags', '--libs')
        return run(command), command


def test_install(install, checks):
    command = [install.meson, 'install', '-C', install.build_dir, '--no-rebuild',
               '--quiet', '--destdir', install.destdir]
    check_run(command)


def test_every_file_installed(install, checks):
    files = install.installed_files()
    assert files, 'the build installs nothing'
    missing = [path for path in files if not os.path.lexists(install.path(path))]
    assert missing == [], 'not installed: %s' % missing


def test_pkg_config_finds_it(install, checks):
    env = install.pkg_config_env()
    result = check_run(['pkg-config', '--modversion', PACKAGE], env=env)
    assert result.stdout.strip() == checks.version, result.stdout
    result = check_run(['pkg-config', '--variable=pcfiledir', PACKAGE], env=env)
    assert result.stdout.strip().startswith(install.destdir + '/'), result.stdout


def test_consumer_builds(install, checks):
    consumer = os.path.join(install.destdir, 'consumer')
    result, command = install.compile([checks.consumer_source], consumer)
    assert result.returncode == 0, describe(command, result)
    result = check_run(['ldd', consumer], env=install.runtime_env())
    library = [line for line in result.stdout.splitlines() if 'libmcp-sse-1.so' in line]
    assert len(library) == 1 and install.destdir + '/' in library[0], result.stdout


def test_consumer_runs(install, checks):
    consumer = os.path.join(install.destdir, 'consumer')
    result = check_run([consumer], env=install.runtime_env())
    expected = EXPECTED_CONSUMER_OUTPUT.format(version=checks.version)
    assert result.stdout == expected, result.stdout
    assert result.stderr == '', result.stderr


def test_only_the_umbrella_header(install, checks):
    source = os.path.join(install.destdir, 'direct.c')
    with open(source, 'w') as file:
        file.write('#include <mcp-sse/mcp-sse-client.h>\n'
                   'int main (void) { return 0; }\n')
    result, command = install.compile([source], os.path.join(install.destdir, 'direct'))
    assert result.returncode != 0, describe(command, result)
    assert 'Only <mcp-sse/mcp-sse.h> can be included directly' in result.stderr, \
        describe(command, result)


def test_typelib_loads(install, checks):
    typelib = install.path(os.path.join(install.libdir, 'girepository-1.0', 'McpSse-1.typelib'))
    python = '/usr/bin/python3'
    if not os.path.exists(typelib):
        return 'SKIP the typelib is not built'
    if not os.path.exists(python):
        return 'SKIP %s is missing' % python
    script = ('import gi\n'
              'gi.require_version("GIRepository", "2.0")\n'
              'gi.require_version("McpSse", "1")\n'
              'from gi.repository import GIRepository, McpSse\n'
              'parser = McpSse.EventParser()\n'
              'events = []\n'
              'parser.connect("event", lambda p, e: events.append(e.get_data()))\n'
              'parser.feed(b"data: from Python\\n\\n")\n'
              'print(McpSse.VERSION_S, events[0])\n'
              'print(GIRepository.Repository.get_default().get_typelib_path("McpSse"))\n')
    result = check_run([python, '-c', script], env=install.runtime_env())
    version_line, path = result.stdout.splitlines()
    assert version_line == '%s from Python' % checks.version, result.stdout
    assert os.path.realpath(path) == os.path.realpath(typelib), path


def test_vapi_compiles(install, checks):
    vapidir = install.path(os.path.join(install.prefix, 'share', 'vala', 'vapi'))
    valac = shutil.which('valac')
    if not os.path.exists(os.path.join(vapidir, PACKAGE + '.vapi')):
        return 'SKIP the VAPI is not built'
    if valac is None:
        return 'SKIP valac is missing'
    workdir = os.path.join(install.destdir, 'vala')
    os.mkdir(workdir)
    source = os.path.join(workdir, 'consumer.vala')
    with open(source, 'w') as file:
        file.write(VALA_PROGRAM)
    # valac turns the program into C with the installed VAPI (and the
    # packages its .deps file names); the C compiler takes it from there.
    check_run([valac, '--ccode', '--vapidir', vapidir, '--pkg', PACKAGE,
               '--directory', workdir, source])
    program = os.path.join(workdir, 'consumer')
    result, command = install.compile([os.path.join(workdir, 'consumer.c')], program,
                                      extra=['-w', '-Wno-error'])
    assert result.returncode == 0, describe(command, result)
    result = check_run([program], env=install.runtime_env())
    assert result.stdout == '%s from Vala\n' % checks.version, result.stdout


# Availability macros, seen by an application: a function marked for 1.2
# is refused under MCP_SSE_VERSION_MAX_ALLOWED=1.0, a 1.2 deprecation is
# heard only by applications that require 1.2.
AVAILABILITY_PROGRAM = """
#include <mcp-sse/mcp-sse.h>

MCP_SSE_AVAILABLE_IN_1_2 void added_in_1_2 (void);
MCP_SSE_DEPRECATED_IN_1_2_FOR (added_in_1_2) void deprecated_in_1_2 (void);

void use (void);
void use (void) { %s (); }
"""

AVAILABILITY_CASES = [
    # (function called, defines, compiles under -Werror)
    ('added_in_1_2', [], True),
    ('added_in_1_2', ['MCP_SSE_VERSION_MAX_ALLOWED=MCP_SSE_VERSION_1_2'], True),
    ('added_in_1_2', ['MCP_SSE_VERSION_MIN_REQUIRED=MCP_SSE_VERSION_1_0',
                      'MCP_SSE_VERSION_MAX_ALLOWED=MCP_SSE_VERSION_1_0'], False),
    ('deprecated_in_1_2', ['MCP_SSE_VERSION_MIN_REQUIRED=MCP_SSE_VERSION_1_0'], True),
    ('deprecated_in_1_2', ['MCP_SSE_VERSION_MIN_REQUIRED=MCP_SSE_VERSION_1_2'], False),
    ('deprecated_in_1_2', ['MCP_SSE_VERSION_MIN_REQUIRED=MCP_SSE_VERSION_1_2',
                           'MCP_SSE_DISABLE_DEPRECATION_WARNINGS'], True),
]


def test_availability_macros(install, checks):
    workdir = os.path.join(install.destdir, 'availability')
    os.makedirs(workdir, exist_ok=True)
    for n, (function, defines, compiles) in enumerate(AVAILABILITY_CASES):
        source = os.path.join(workdir, 'case%d.c' % n)
        with open(source, 'w') as file:
            file.write(AVAILABILITY_PROGRAM % function)
        extra = ['-c'] + ['-D' + define for define in defines]
        result, command = install.compile([source], source + '.o', extra=extra)
        assert (result.returncode == 0) == compiles, describe(command, result)
        if not compiles:
            assert 'deprecated' in result.stderr or 'available' in result.stderr, \
                describe(command, result)


def test_a_1_0_program_builds_pinned_to_1_0(install, checks):
    consumer = os.path.join(install.destdir, 'consumer-1.0')
    extra = ['-DMCP_SSE_VERSION_MIN_REQUIRED=MCP_SSE_VERSION_1_0',
             '-DMCP_SSE_VERSION_MAX_ALLOWED=MCP_SSE_VERSION_1_0']
    result, command = install.compile([checks.consumer_source], consumer, extra=extra)
    assert result.returncode == 0, describe(command, result)


TESTS = [
    ('meson install --destdir', test_install),
    ('every file the build installs is there', test_every_file_installed),
    ('pkg-config finds the installed mcp-sse-1', test_pkg_config_finds_it),
    ('a C program builds with pkg-config flags only', test_consumer_builds),
    ('the C program runs against the installed library', test_consumer_runs),
    ('a public header alone is refused', test_only_the_umbrella_header),
    ('the availability macros warn as documented', test_availability_macros),
    ('the C program builds pinned to 1.0 under -Werror', test_a_1_0_program_builds_pinned_to_1_0),
    ('Python loads the installed typelib', test_typelib_loads),
    ('a Vala program builds with the installed VAPI', test_vapi_compiles),
]


class Checks:
    def __init__(self, consumer_source, version):
        self.consumer_source = consumer_source
        self.version = version


def main(argv):
    if len(argv) != 5:
        print('usage: %s MESON BUILD-DIR CONSUMER.C VERSION' % argv[0], file=sys.stderr)
        return 2

    meson, build_dir, consumer_source, version = argv[1:]
    checks = Checks(os.path.abspath(consumer_source), version)
    failed = 0

    print('1..%d' % len(TESTS))
    with tempfile.TemporaryDirectory(prefix='mcp-sse-install-') as destdir:
        install = Install(meson, os.path.abspath(build_dir), destdir)
        for number, (name, function) in enumerate(TESTS, 1):
            try:
                outcome = function(install, checks)
                directive = ' # ' + outcome if outcome else ''
                print('ok %d - %s%s' % (number, name, directive))
            except Exception:
                failed += 1
                print('not ok %d - %s' % (number, name))
                for line in traceback.format_exc().splitlines():
                    print('# ' + line)
            sys.stdout.flush()

    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
