# Thin task runner for PowerShell users; every task is one plain `dotnet` command (the README shows them).
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'generate', 'serve', 'bench', 'engine-bench', 'loadtest', 'clean')]
    [string]$Task = 'build',
    [Parameter(ValueFromRemainingArguments = $true)]
    [string[]]$Rest
)
$ErrorActionPreference = 'Stop'
$cli = 'src/InferenceServer.Cli'
switch ($Task) {
    'build'    { dotnet build InferenceServer.sln -c Release }
    'test'     { dotnet test InferenceServer.sln }
    'generate' { dotnet run --project $cli -c Release -- generate --model models/tinystories-656k/1.json --prompt 'Once upon a time' @Rest }
    'serve'    { dotnet run --project $cli -c Release -- serve --model models/tinystories-656k/1.json @Rest }
    'bench'    { dotnet run --project bench/InferenceServer.Benchmarks -c Release -- --quick @Rest }
    'engine-bench' { dotnet run --project bench/InferenceServer.Benchmarks -c Release -- engine @Rest }
    'loadtest' { dotnet run --project bench/InferenceServer.LoadTest -c Release -- @Rest }
    'clean'    { dotnet clean InferenceServer.sln; Remove-Item -Recurse -Force -ErrorAction SilentlyContinue BenchmarkDotNet.Artifacts }
}
exit $LASTEXITCODE
