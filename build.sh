#!/usr/bin/env bash
# Assembles the PowerShell module folder output/VpcSecTools/<ModuleVersion>/ without pwsh, by building
# src/VpcSecTools.Module (the one place its layout is written; build.ps1 and the tests build it too).
# Usage: ./build.sh [-c Debug|Release] [-o <output root>]
set -euo pipefail
root=$(cd "$(dirname "$0")" && pwd)
configuration=Release
output="$root/output"
while [ $# -gt 0 ]; do
  case "$1" in
    -c|--configuration) configuration=$2; shift 2 ;;
    -o|--output) output=$2; shift 2 ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument '$1' (use -c <configuration>, -o <output root>)" >&2; exit 2 ;;
  esac
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
mkdir -p "$output"
output=$(cd "$output" && pwd)
project=("$root/src/VpcSecTools.Module/VpcSecTools.Module.proj" "-p:Configuration=$configuration" "-p:ModuleOutputRoot=$output/")
dotnet build "${project[@]}" --nologo -v quiet
# The folder it wrote, as the project names it.
dotnet msbuild "${project[@]}" -getProperty:ModuleFolder
