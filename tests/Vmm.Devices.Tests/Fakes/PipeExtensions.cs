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

    /// <summary>A console pipe as the core builds it: no back-pressure, thread-pool continuations.</summary>
    public static Pipe CreateConsolePipe() =>
        new(new PipeOptions(readerScheduler: PipeScheduler.ThreadPool, writerScheduler: PipeScheduler.ThreadPool,
            pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false));
}
