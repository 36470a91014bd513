using System.Buffers;
using System.IO.Pipelines;

namespace Vmm.Devices.Tests.Fakes;

/// <summary>Reads what a device has flushed into a pipe so far, without waiting.</summary>
public static class PipeExtensions
{
    public static byte[] ReadAvailable(this PipeReader reader)
    {
        if (!reader.TryRead(out ReadResult result))
            return [];
        byte[] bytes = result.Buffer.ToArray();
        reader.AdvanceTo(result.Buffer.End);
        return bytes;
    }

    /// <summary>
    /// A console pipe as the core's direct console builds it: no back-pressure, and the reader's continuation inline in
    /// the writer's flush, so a device waiting with ReadAsync has typed input before the test's next access.
    /// </summary>
    public static Pipe CreateConsolePipe() =>
        new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.ThreadPool,
            pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false));
}
