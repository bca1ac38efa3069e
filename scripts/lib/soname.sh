# shellcheck shell=bash
# Sourced by the scripts that link C programs against the library in a cargo target
# directory. Cargo writes `liboffblocks.so`, but a program linked against it records the
# library's SONAME (`liboffblocks.so.0.2`) and looks for a file of that name when it
# starts. `offblocks_soname_link DIR` makes DIR/<SONAME> a link to DIR/liboffblocks.so
# and prints the SONAME; it fails when the library has none.
offblocks_soname_link() {
    local dir=$1 soname
    soname=$(readelf -d "$dir/liboffblocks.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    if [ -z "$soname" ]; then
        echo "$dir/liboffblocks.so has no SONAME" >&2
        return 1
    fi
    ln -sfn liboffblocks.so "$dir/$soname"
    echo "$soname"
}
