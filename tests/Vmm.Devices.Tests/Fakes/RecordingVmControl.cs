using Vmm.Sdk;

namespace Vmm.Devices.Tests.Fakes;

/// <summary>An <see cref="IVmControl"/> that records every stop request's exit code and counts reset requests.</summary>
public sealed class RecordingVmControl : IVmControl
{
    public List<int> ExitCodes { get; } = [];

    public int ResetRequests { get; private set; }

    public void RequestStop(int exitCode) => ExitCodes.Add(exitCode);

    public void RequestReset() => ResetRequests++;
}
