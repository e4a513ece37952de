#!/usr/bin/env bash
# Assembles the PowerShell module folder output/VpcSecTools/<ModuleVersion>/ without pwsh:
#   VpcSecTools.psd1, VpcSecTools.psm1, VpcSecTools.Format.ps1xml, VpcSecTools.Loader.dll (default context),
#   bin/ (VpcSecTools.dll, VpcSecTools.Core.dll, AWSSDK.* ... loaded in the module's own context),
#   en-US/ (VpcSecTools.dll-Help.xml and about_*.help.txt compiled from docs/en-US).
# The same layout as build.ps1 -Task Build. Usage: ./build.sh [-c Debug|Release] [-o <output root>]
set -euo pipefail
root=$(cd "$(dirname "$0")" && pwd)
configuration=Release
output="$root/output"
while [ $# -gt 0 ]; do
  case "$1" in
    -c|--configuration) configuration=$2; shift 2 ;;
    -o|--output) output=$2; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument '$1' (use -c <configuration>, -o <output root>)" >&2; exit 2 ;;
  esac
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

version=$(sed -n "s/^[[:space:]]*ModuleVersion[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" "$root/VpcSecTools.psd1")
[ -n "$version" ] || { echo "build.sh: no ModuleVersion in VpcSecTools.psd1" >&2; exit 1; }
mkdir -p "$output"
output=$(cd "$output" && pwd)
module="$output/VpcSecTools/$version"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

quiet=(--nologo -v quiet -c "$configuration")
dotnet publish "$root/src/VpcSecTools/VpcSecTools.csproj" "${quiet[@]}" -o "$stage/bin"
dotnet publish "$root/src/VpcSecTools.Loader/VpcSecTools.Loader.csproj" "${quiet[@]}" -o "$stage/loader"
dotnet build "$root/tools/VpcSecTools.HelpCompiler/VpcSecTools.HelpCompiler.csproj" "${quiet[@]}" -o "$stage/help"

rm -rf "$module"
mkdir -p "$module/bin" "$module/en-US"
cp "$root/VpcSecTools.psd1" "$module/"
cp -R "$root/module/." "$module/"
cp "$stage/loader/VpcSecTools.Loader.dll" "$module/"
# Everything the cmdlet assembly needs at run time except PowerShell itself (compile-only reference).
for file in "$stage/bin"/*.dll; do
  case "$(basename "$file")" in
    System.Management.Automation.dll|VpcSecTools.Loader.dll) ;;
    *) cp "$file" "$module/bin/" ;;
  esac
done
for dir in "$stage/bin"/*/; do
  [ -d "$dir" ] && cp -R "$dir" "$module/bin/"
done

dotnet "$stage/help/VpcSecTools.HelpCompiler.dll" --docs "$root/docs/en-US" --out "$module/en-US"
# Get-Help looks for <assembly>-Help.xml beside the assembly as well as in the module folder.
mkdir -p "$module/bin/en-US"
cp "$module/en-US/VpcSecTools.dll-Help.xml" "$module/bin/en-US/"

echo "$module"
