# Sourced by ./zkaudit, scripts/test and .ci/run: selects a JDK >= 25 and exports JAVA_HOME.
# Order: $JAVA_HOME if it is >= 25, then Temurin 25, then any JDK >= 25 under /usr/lib/jvm.

zk_java_major() {  # prints the major version of the JDK at $1, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n1
}

zk_select_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$candidate" ] || continue
    major=$(zk_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "zkaudit: no JDK 25 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm/*)." >&2
  echo "zkaudit: install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}

zk_require_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "zkaudit: Maven (mvn) is needed to build; install it (apt-get install maven)." >&2
    return 1
  fi
}
