#!/usr/bin/python3
# test-devenv.py: `meson devenv` finds the uninstalled tool, library,
# typelib and VAPI
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: test-devenv.py MESON BUILD-DIR VERSION
#
# Prints TAP.

import os
import shutil
import subprocess
import sys
import tempfile
import traceback

DEADLINE = 60

PYTHON_SCRIPT = '''\
import gi
gi.require_version("GIRepository", "2.0")
gi.require_version("McpSse", "1")
from gi.repository import GIRepository, McpSse
print(McpSse.VERSION_S)
print(GIRepository.Repository.get_default().get_typelib_path("McpSse"))
'''

# A nullable property (set to null, and read before there is an endpoint)
# and an async method called without its cancellable. Compiled with
# --enable-experimental-non-null, so that a property the VAPI does not
# mark nullable refuses null. "http:/sse" has no host: the start fails at
# once, without a server.
VALA_PROGRAM = '''\
async void run (McpSse.ConnectionManager manager) {
    try {
        yield manager.start_async ();
        print ("started\\n");
    } catch (IOError.INVALID_ARGUMENT error) {
        print ("refused\\n");
    } catch (Error error) {
        print ("%s\\n", error.message);
    }
}

int main () {
    var manager = new McpSse.ConnectionManager ("http:/sse");
    var loop = new MainLoop ();
    string? endpoint = manager.endpoint;

    manager.auth = null;
    print ("%s %s\\n", McpSse.VERSION_S, endpoint ?? "no endpoint");
    run.begin (manager, (source, result) => {
        run.end (result);
        loop.quit ();
    });
    loop.run ();
    return 0;
}
'''


def devenv(meson, build_dir, command):
    # Outside any devenv of our own, so that only `meson devenv` sets
    # the paths.
    env = {name: value for name, value in os.environ.items()
           if name not in ('GI_TYPELIB_PATH', 'LD_LIBRARY_PATH', 'MESON_DEVENV')}
    result = subprocess.run([meson, 'devenv', '-C', build_dir] + command,
                            stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=DEADLINE, env=env)
    assert result.returncode == 0, 'exit status %d\n%s%s' % (
        result.returncode, result.stdout, result.stderr)
    return result.stdout


def inside(path, directory):
    return os.path.realpath(path).startswith(os.path.realpath(directory) + os.sep)


def test_tool(meson, build_dir, version):
    output = devenv(meson, build_dir, ['mcp-sse', '--version'])
    assert output == 'mcp-sse %s\n' % version, output
    output = devenv(meson, build_dir, ['sh', '-c', 'command -v mcp-sse'])
    assert inside(output.strip(), build_dir), output


def test_typelib(meson, build_dir, version):
    python = '/usr/bin/python3'
    if not os.path.exists(os.path.join(build_dir, 'mcp-sse', 'McpSse-1.typelib')):
        return 'SKIP the typelib is not built'
    if not os.path.exists(python):
        return 'SKIP %s is missing' % python
    output = devenv(meson, build_dir, [python, '-c', PYTHON_SCRIPT])
    printed_version, typelib = output.splitlines()
    assert printed_version == version, output
    assert inside(typelib, build_dir), typelib


def test_vapi(meson, build_dir, version):
    vapi = os.path.join(build_dir, 'mcp-sse', 'mcp-sse-1.vapi')
    if not os.path.exists(vapi):
        return 'SKIP the VAPI is not built'
    if shutil.which('valac') is None:
        return 'SKIP valac is missing'

    # The first data directory of the devenv holds the VAPI of the build.
    output = devenv(meson, build_dir, ['sh', '-c', 'echo "${XDG_DATA_DIRS%%:*}"'])
    found = os.path.join(output.strip(), 'vala', 'vapi', 'mcp-sse-1.vapi')
    assert os.path.realpath(found) == os.path.realpath(vapi), output

    # `meson devenv -C` runs the command in the build directory.
    with tempfile.TemporaryDirectory() as workdir:
        source = os.path.join(workdir, 'program.vala')
        program = os.path.join(workdir, 'program')
        with open(source, 'w') as file:
            file.write(VALA_PROGRAM)
        devenv(meson, build_dir, ['valac', '--enable-experimental-non-null',
                                  '--pkg', 'mcp-sse-1', '--directory', workdir,
                                  source, '-o', program])
        output = devenv(meson, build_dir, [program])
    assert output == '%s no endpoint\nrefused\n' % version, output


TESTS = [
    ('meson devenv runs the uninstalled mcp-sse', test_tool),
    ('meson devenv loads the uninstalled typelib', test_typelib),
    ('valac --pkg mcp-sse-1 builds a program inside meson devenv', test_vapi),
]


def main(argv):
    if len(argv) != 4:
        print('usage: %s MESON BUILD-DIR VERSION' % argv[0], file=sys.stderr)
        return 2

    meson, build_dir, version = argv[1], os.path.abspath(argv[2]), argv[3]
    failed = 0
    print('1..%d' % len(TESTS))
    for number, (name, function) in enumerate(TESTS, 1):
        try:
            outcome = function(meson, build_dir, version)
            print('ok %d - %s%s' % (number, name, ' # ' + outcome if outcome else ''))
        except Exception:
            failed += 1
            print('not ok %d - %s' % (number, name))
            for line in traceback.format_exc().splitlines():
                print('# ' + line)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
