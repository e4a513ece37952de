#!/usr/bin/env bash
# Assembles the PowerShell module folder output/VpcSecTools/<ModuleVersion>/ without pwsh, by building
# src/VpcSecTools.Module (the one place its layout is written; build.ps1 and the tests build it too).
# --test then runs both suites (dotnet test VpcSecTools.sln: its build installs the pinned pwsh and Pester).
# Usage: ./build.sh [-c Debug|Release] [-o <output root>] [--test]
set -euo pipefail
root=$(cd "$(dirname "$0")" && pwd)
configuration=Release
output="$root/output"
test=false
while [ $# -gt 0 ]; do
  case "$1" in
    -c|--configuration) configuration=$2; shift 2 ;;
    -o|--output) output=$2; shift 2 ;;
    -t|--test) test=true; shift ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument '$1' (use -c <configuration>, -o <output root>, --test)" >&2; exit 2 ;;
  esac
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
mkdir -p "$output"
output=$(cd "$output" && pwd)
project=("$root/src/VpcSecTools.Module/VpcSecTools.Module.proj" "-p:Configuration=$configuration" "-p:ModuleOutputRoot=$output/")
dotnet build "${project[@]}" --nologo -v quiet
# The folder it wrote, as the project names it.
dotnet msbuild "${project[@]}" -getProperty:ModuleFolder
if [ "$test" = true ]; then dotnet test "$root/VpcSecTools.sln" -c "$configuration" --nologo; fi
