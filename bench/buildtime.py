#!/usr/bin/env python3
"""Build time added by the StaticNet generator.

Creates three tiny class-library projects under bench/buildtime/ (git-ignored), identical except for:
  plain      no generator reference
  generator  the generator referenced as an analyzer, no spec
  specs      the generator and the four benchmark specs (bench/StaticNet.Benchmarks/Specs)
Builds each once (restore, project references), then times `dotnet build -c Release --no-incremental
--no-dependencies` five times and keeps the best (wall time, and the Csc task's time from
MSBuild's performance summary, which is where the generator runs). Prints JSON on stdout.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "bench", "buildtime")
SPECS = os.path.join(ROOT, "bench", "StaticNet.Benchmarks", "Specs")

PROJECT = """<Project Sdk="Microsoft.NET.Sdk">
  <Import Project="../../../src/StaticNet/build/StaticNet.props" />
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <RootNamespace>BuildTime</RootNamespace>
    <IsPackable>false</IsPackable>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="../../../src/StaticNet/StaticNet.csproj" />
{analyzer}  </ItemGroup>
  <Import Project="../../../src/StaticNet/build/StaticNet.targets" />
</Project>
"""
ANALYZER = ('    <ProjectReference Include="../../../generator/StaticNet.Generator/StaticNet.Generator.csproj" '
            'OutputItemType="Analyzer" ReferenceOutputAssembly="false" />\n')
SOURCE = """namespace BuildTime;

/// <summary>Something to compile.</summary>
public static class Marker
{
    /// <summary>A value.</summary>
    public static int Value => 42;
}
"""


def run(args, cwd):
    """Wall seconds of the command, and the Csc task's seconds from MSBuild's performance summary."""
    start = time.perf_counter()
    completed = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout)
        raise SystemExit(f"build failed in {cwd}")
    match = re.search(r"^\s*(\d+) ms\s+Csc\s", completed.stdout, re.MULTILINE)
    return elapsed, (int(match.group(1)) / 1000.0 if match else None)


def main():
    repetitions = 5
    if os.path.isdir(WORK):
        shutil.rmtree(WORK)
    variants = {"plain": (False, False), "generator": (True, False), "specs": (True, True)}
    result = {"repetitions": repetitions, "command": "dotnet build -c Release --no-incremental --no-dependencies -clp:PerformanceSummary", "variants": {}}
    for name, (analyzer, specs) in variants.items():
        folder = os.path.join(WORK, name)
        os.makedirs(folder)
        with open(os.path.join(folder, "BuildTime.csproj"), "w") as f:
            f.write(PROJECT.format(analyzer=ANALYZER if analyzer else ""))
        with open(os.path.join(folder, "Marker.cs"), "w") as f:
            f.write(SOURCE)
        if specs:
            for spec in sorted(os.listdir(SPECS)):
                shutil.copy(os.path.join(SPECS, spec), folder)
        run(["dotnet", "build", "-c", "Release", "-nologo", "-v", "q"], folder)
    # Interleave the variants so a burst of load from elsewhere hits all of them alike.
    times = {name: [] for name in variants}
    for _ in range(repetitions):
        for name in variants:
            folder = os.path.join(WORK, name)
            times[name].append(run(["dotnet", "build", "-c", "Release", "--no-incremental", "--no-dependencies", "-nologo", "-v", "q",
                                    "-clp:PerformanceSummary"], folder))
    for name in variants:
        walls = [wall for wall, _ in times[name]]
        cscs = [csc for _, csc in times[name] if csc is not None]
        result["variants"][name] = {"bestSeconds": min(walls), "allSeconds": walls,
                                    "bestCscSeconds": min(cscs) if cscs else None, "allCscSeconds": cscs}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
