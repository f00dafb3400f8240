#!/bin/sh
# The container image's build steps (deploy/container/Containerfile RUNs this), in a script of their own so
# that they can be tried on a host without a container engine (tests/unit/test_container_recipe.py):
#
#   build-steps.sh [--host-test] SRC [PREFIX]
#
# SRC: the project's source folder; PREFIX: where the robot is installed (default /opt/provider-portal-robot).
# In the image (as root): Debian's Chromium, its headless shell, fonts and tini from apt; a non-root user
# "robot" (uid 10001) whose home Chromium may write; the robot in PREFIX/.venv; /practice for the volume.
# --host-test: the apt step is only simulated (apt-get --simulate, which resolves the packages and changes
# nothing) and no user is made; the rest runs as in the image, into PREFIX.
set -eu

HOST_TEST=0
if [ "${1:-}" = "--host-test" ]; then HOST_TEST=1; shift; fi
SRC=$(cd "${1:?give the source folder}" && pwd)
PREFIX=${2:-/opt/provider-portal-robot}
case "$PREFIX" in /*) ;; *) PREFIX="$(pwd)/$PREFIX" ;; esac
ROBOT_UID=10001
PACKAGES="python3 python3-venv chromium chromium-headless-shell fonts-liberation fonts-dejavu-core ca-certificates tini"

echo "== system packages: $PACKAGES"
if [ "$HOST_TEST" = 1 ]; then
    # Resolves every package and its dependencies against the host's lists; installs nothing.
    apt-get --simulate --no-install-recommends install $PACKAGES >/dev/null
else
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $PACKAGES
    rm -rf /var/lib/apt/lists/*
fi

echo "== the robot, in $PREFIX/.venv"
mkdir -p "$PREFIX"
python3 -m venv "$PREFIX/.venv"
"$PREFIX/.venv/bin/python" -m pip install --quiet --upgrade pip
# A plain install (not editable): the sandbox's pages and the default robot.yaml come inside the package.
"$PREFIX/.venv/bin/python" -m pip install --quiet "$SRC"

echo "== checks"
# Of the installed robot, not of a checkout the caller's PYTHONPATH or folder would put first.
unset PYTHONPATH
cd /
"$PREFIX/.venv/bin/python" -m robot --help >/dev/null
"$PREFIX/.venv/bin/python" -c "import apprise, robot.notify, robot.practices"
# The browser the robot will use: Debian's Chromium (Playwright's own download is not needed in the image).
"$PREFIX/.venv/bin/python" -m robot.browser

if [ "$HOST_TEST" = 1 ]; then
    echo "== (host test: no user made, no /practice)"
    exit 0
fi

echo "== a user of its own, not root"
useradd --uid "$ROBOT_UID" --user-group --create-home --home-dir /home/robot --shell /usr/sbin/nologin robot
# The practice's folder, on a volume in Kubernetes; the robot's user writes its runs/ there.
install -d -o "$ROBOT_UID" -g "$ROBOT_UID" -m 0700 /practice
