using Microsoft.Extensions.Logging;

namespace Vmm.Host;

/// <summary>Logs go to stderr so stdout carries only what the guest prints.</summary>
public static class HostLogging
{
    public static ILoggerFactory Create(bool verbose, bool traceExits = false) =>
        LoggerFactory.Create(logging => logging
            .SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Warning)
            .AddFilter(Vmm.Core.Machine.VmBuilder.ExitTraceCategory, traceExits ? LogLevel.Trace : LogLevel.Warning)
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = verbose ? "HH:mm:ss.fff " : null;
            })
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
}
