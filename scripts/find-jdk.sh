# Sourced by ./pare, ./mvnw and .ci/run: sets JAVA_HOME to a JDK >= 22 (FFM is final there; the Vector API incubates).
# Order: $PARE_JAVA_HOME, $JAVA_HOME, /usr/lib/jvm/*, /opt/*, the java on PATH.
pare_java_feature() { # prints the feature release of the JDK at $1, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}
pare_find_jdk() {
  local c v
  for c in "${PARE_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*25* /usr/lib/jvm/* /opt/jdk* /opt/java/* \
           "$(dirname "$(dirname "$(readlink -f "$(command -v javac 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$c" ] && [ -d "$c" ] || continue
    v=$(pare_java_feature "$c")
    if [ -n "$v" ] && [ "$v" -ge 22 ]; then export JAVA_HOME="$c"; return 0; fi
  done
  echo "pare: no JDK >= 22 found (looked at \$PARE_JAVA_HOME, \$JAVA_HOME, /usr/lib/jvm, /opt and PATH)." >&2
  echo "pare: install one, e.g. 'apt-get install temurin-25-jdk' or an archive from adoptium.net, and set JAVA_HOME." >&2
  return 1
}
