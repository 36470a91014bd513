namespace Vmm.Emulation.Chipset;

/// <summary>
/// One 8254 counter: its control word, count register, output latch and status, and the count and OUT level as
/// functions of the input clock (datasheet "Mode Definitions", "Read Operations"). Times are in input clocks.
/// </summary>
internal sealed class PitCounter
{
    private const int AccessLsb = 1, AccessMsb = 2, AccessWord = 3;

    private int _mode;
    private int _access = AccessWord;
    private bool _bcd;
    private long _reload = 65536;
    private long? _loadTime;          // when counting (re)started; null until a count is written (or, modes 1/5, triggered)
    private bool _loaded;             // a count has been written since the last control word
    private long _frozenElapsed;      // modes 0/4: clocks counted before the gate went low
    private bool _writeMsbNext, _readMsbNext;
    private byte _pendingLsb;
    private int _latchedCount = -1;
    private bool _latchedMsbNext;
    private int _latchedStatus = -1;
    private bool _nullCount = true;

    /// <summary>The GATE input (counters 0 and 1 are tied high on a PC; counter 2's is port 0x61 bit 0).</summary>
    public bool Gate { get; set; }

    /// <summary>Bumped whenever the counter is reprogrammed, so edge bookkeeping can start over.</summary>
    public int Generation { get; private set; }

    /// <summary>The mode field of the last control word (6 and 7 read as 2 and 3).</summary>
    public int Mode => _mode;

    /// <summary>A control word for this counter: mode, read/write format, BCD; counting stops until a count is written.</summary>
    public void SetMode(int mode, int access, bool bcd)
    {
        _mode = mode > 5 ? mode - 4 : mode;
        _access = access;
        _bcd = bcd;
        _loadTime = null;
        _loaded = false;
        _frozenElapsed = 0;
        _writeMsbNext = _readMsbNext = false;
        _latchedCount = -1;
        _latchedStatus = -1;
        _nullCount = true;
        Generation++;
    }

    /// <summary>A byte written to the counter's port; true when it completed a count, which then starts counting.</summary>
    public bool WriteCount(byte value, long now)
    {
        int count;
        switch (_access)
        {
            case AccessLsb:
                count = value;
                break;
            case AccessMsb:
                count = value << 8;
                break;
            default:
                if (!_writeMsbNext)
                {
                    _pendingLsb = value;
                    _writeMsbNext = true;
                    return false;
                }

                _writeMsbNext = false;
                count = _pendingLsb | (value << 8);
                break;
        }

        // 0 is the largest count: 2^16 in binary, 10^4 in BCD.
        _reload = count == 0 ? (_bcd ? 10000 : 65536) : count;
        _loaded = true;
        _nullCount = false;
        _frozenElapsed = 0;
        bool gateTriggered = _mode is 1 or 5;
        _loadTime = gateTriggered ? null : now;
        Generation++;
        return true;
    }

    /// <summary>The counter latch command: the count is held for reading until read out.</summary>
    public void LatchCount(long now)
    {
        if (_latchedCount >= 0)
            return; // a second latch before the first is read is ignored (datasheet "Counter Latch Command")
        _latchedCount = Count(now);
        _latchedMsbNext = false;
    }

    /// <summary>Read-back's status latch: OUT, null count, and the control word's low six bits.</summary>
    public void LatchStatus(long now)
    {
        if (_latchedStatus >= 0)
            return;
        _latchedStatus = (Output(now) ? 0x80 : 0) | (_nullCount ? 0x40 : 0) | (_access << 4) | (_mode << 1) | (_bcd ? 1 : 0);
    }

    /// <summary>A read of the counter's port: the latched status, then the latched count, else the live count.</summary>
    public byte Read(long now)
    {
        if (_latchedStatus >= 0)
        {
            byte status = (byte)_latchedStatus;
            _latchedStatus = -1;
            return status;
        }

        if (_latchedCount >= 0)
        {
            int latched = _latchedCount;
            if (_access == AccessWord && !_latchedMsbNext)
            {
                _latchedMsbNext = true;
                return (byte)latched;
            }

            _latchedCount = -1;
            return _access == AccessLsb ? (byte)latched : (byte)(latched >> 8);
        }

        int count = Count(now);
        switch (_access)
        {
            case AccessLsb:
                return (byte)count;
            case AccessMsb:
                return (byte)(count >> 8);
            default:
                _readMsbNext = !_readMsbNext;
                return _readMsbNext ? (byte)count : (byte)(count >> 8);
        }
    }

    /// <summary>Moves the GATE input: modes 1 and 5 trigger on a rising edge, 2 and 3 restart, 0 and 4 pause while low.</summary>
    public void SetGate(bool high, long now)
    {
        if (high == Gate)
            return;
        if (_loaded)
        {
            switch (_mode)
            {
                case 0 or 4 when !high:
                    _frozenElapsed = Elapsed(now);
                    break;
                case 0 or 4:
                    _loadTime = now - _frozenElapsed;
                    break;
                case 1 or 2 or 3 or 5 when high:
                    _loadTime = now;
                    Generation++;
                    break;
            }
        }

        Gate = high;
    }

    /// <summary>The count as a read would see it now.</summary>
    public int Count(long now)
    {
        if (_loadTime is null)
            return _loaded ? (int)(_reload & 0xFFFF) : 0;
        long d = Elapsed(now);
        long n = _reload;
        switch (_mode)
        {
            case 2:
                return (int)(n - d % n) & 0xFFFF;
            case 3:
                long half = (n + 1) / 2;
                long p = d % n;
                long c = p < half ? n - 2 * p : n - 2 * (p - half);
                return (int)c & 0xFFFE;
            default:
                // Modes 0, 1, 4, 5 count down through zero and wrap around.
                return (int)((n - d) & 0xFFFF);
        }
    }

    /// <summary>The OUT level now.</summary>
    public bool Output(long now)
    {
        if (_loadTime is null)
            return _mode != 0;   // a mode 0 control word sets OUT low; every other mode idles high
        long d = Elapsed(now);
        long n = _reload;
        return _mode switch
        {
            0 => d >= n,
            1 => d >= n,
            2 => n == 1 || d % n != n - 1 || !Gate,
            3 => d % n < (n + 1) / 2 || !Gate,
            4 or 5 => d != n,
            _ => true,
        };
    }

    /// <summary>How many times OUT has risen since counting started (what interrupts on IRQ 0).</summary>
    public long RisingEdges(long now)
    {
        if (_loadTime is null || !Gate)
            return 0;
        long d = Elapsed(now);
        long n = _reload;
        return _mode switch
        {
            0 or 1 => d >= n ? 1 : 0,
            2 or 3 => n == 1 && _mode == 2 ? 0 : d / n,
            _ => d > n ? 1 : 0,
        };
    }

    /// <summary>The input clock of OUT's next rising edge after <paramref name="now"/>, or null if none will come.</summary>
    public long? NextRisingEdge(long now)
    {
        if (_loadTime is not { } start || !Gate)
            return null;
        long d = Elapsed(now);
        long n = _reload;
        return _mode switch
        {
            0 or 1 => d < n ? start + n : null,
            2 or 3 => n == 1 && _mode == 2 ? null : start + (d / n + 1) * n,
            _ => d <= n ? start + n + 1 : null,
        };
    }

    private long Elapsed(long now)
    {
        if (_loadTime is not { } start)
            return 0;
        if (!Gate && _mode is 0 or 4)
            return _frozenElapsed;
        return Math.Max(now - start, 0);
    }
}
