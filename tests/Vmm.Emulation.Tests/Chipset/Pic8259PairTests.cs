using Vmm.Emulation.Chipset;

namespace Vmm.Emulation.Tests.Chipset;

public sealed class Pic8259PairTests
{
    private const byte NonSpecificEoi = 0x20;

    /// <summary>Linux's init_8259A (arch/x86/kernel/i8259.c): vectors 0x30/0x38, cascade on IR2, 8086 mode, normal EOI.</summary>
    private static Pic8259Pair LinuxPic()
    {
        var pic = new Pic8259Pair();
        pic.WritePort(0x21, 0xFF);
        pic.WritePort(0xA1, 0xFF);
        pic.WritePort(0x20, 0x11);
        pic.WritePort(0x21, 0x30);
        pic.WritePort(0x21, 0x04);
        pic.WritePort(0x21, 0x01);
        pic.WritePort(0xA0, 0x11);
        pic.WritePort(0xA1, 0x38);
        pic.WritePort(0xA1, 0x02);
        pic.WritePort(0xA1, 0x01);
        pic.WritePort(0x21, 0x00);
        pic.WritePort(0xA1, 0x00);
        return pic;
    }

    [Fact]
    public void Linux_initialization_gives_each_irq_its_vector_through_the_cascade()
    {
        var pic = LinuxPic();
        Assert.True(pic.Master.IsInitialized);
        Assert.True(pic.Slave.IsInitialized);

        pic.SetIrq(0, true);
        Assert.Equal(0x30, pic.PendingVector);
        Assert.Equal(0x30, pic.Acknowledge());
        pic.SetIrq(0, false);
        pic.WritePort(0x20, NonSpecificEoi);

        pic.SetIrq(12, true);
        Assert.True(pic.Output);
        Assert.Equal(0x3C, pic.Acknowledge());
        Assert.Equal(0x04, pic.Master.InServiceRegister);
        Assert.Equal(0x10, pic.Slave.InServiceRegister);
        Assert.Equal(0, pic.Slave.RequestRegister);
        pic.WritePort(0xA0, NonSpecificEoi);
        pic.WritePort(0x20, NonSpecificEoi);
        Assert.Equal(0, pic.Master.InServiceRegister | pic.Slave.InServiceRegister);
        Assert.False(pic.Output);
    }

    [Fact]
    public void SeaBios_initialization_masks_everything_but_the_cascade()
    {
        // SeaBIOS pic_reset(0x08, 0x70), then pic_setup's masks.
        var pic = new Pic8259Pair();
        foreach (var (port, value) in new (ushort, byte)[]
                 {
                     (0x20, 0x11), (0x21, 0x08), (0x21, 0x04), (0x21, 0x01),
                     (0xA0, 0x11), (0xA1, 0x70), (0xA1, 0x02), (0xA1, 0x01),
                     (0x21, 0xFB), (0xA1, 0xFF),
                 })
        {
            pic.WritePort(port, value);
        }

        Assert.Equal(0xFB, pic.ReadPort(0x21));
        Assert.Equal(0xFF, pic.ReadPort(0xA1));
        pic.SetIrq(8, true);
        pic.SetIrq(1, true);
        Assert.False(pic.Output);
        pic.WritePort(0xA1, 0xFE);
        Assert.Equal(0x70, pic.PendingVector);
        pic.WritePort(0x21, 0xF9);
        Assert.Equal(0x09, pic.Acknowledge());
    }

    [Fact]
    public void An_edge_raised_while_masked_is_latched_and_delivered_on_unmask()
    {
        var pic = LinuxPic();
        pic.WritePort(0x21, 0x08);
        pic.SetIrq(3, true);
        pic.SetIrq(3, false);
        Assert.False(pic.Output);
        Assert.Equal(0x08, pic.Master.RequestRegister);
        pic.WritePort(0x21, 0x00);
        Assert.Equal(0x33, pic.Acknowledge());
    }

    [Fact]
    public void Lower_irq_numbers_win_and_an_in_service_interrupt_blocks_lower_priorities_only()
    {
        var pic = LinuxPic();
        Pulse(pic, 3);
        Pulse(pic, 5);
        Assert.Equal(0x33, pic.Acknowledge());
        Assert.False(pic.Output);                    // 5 waits behind 3 in service
        Pulse(pic, 1);
        Assert.Equal(0x31, pic.Acknowledge());       // 1 preempts (fully nested mode)
        Assert.Equal(0x0A, pic.Master.InServiceRegister);

        pic.WritePort(0x20, NonSpecificEoi);         // ends 1, the highest in service
        Assert.Equal(0x08, pic.Master.InServiceRegister);
        Assert.False(pic.Output);
        pic.WritePort(0x20, 0x63);                   // specific EOI for 3
        Assert.Equal(0x35, pic.Acknowledge());
    }

    [Fact]
    public void A_level_triggered_line_still_high_after_the_eoi_interrupts_again()
    {
        var pic = LinuxPic();
        pic.WritePort(0x4D0, 0x20);                  // IRQ 5 level-triggered
        pic.SetIrq(5, true);
        Assert.Equal(0x35, pic.Acknowledge());
        Assert.False(pic.Output);
        pic.WritePort(0x20, NonSpecificEoi);
        Assert.Equal(0x35, pic.PendingVector);       // still asserted: requests again
        pic.SetIrq(5, false);
        Assert.False(pic.Output);
        Assert.Equal(0, pic.Master.RequestRegister);
    }

    [Fact]
    public void An_edge_triggered_line_held_high_interrupts_once()
    {
        var pic = LinuxPic();
        pic.SetIrq(4, true);
        Assert.Equal(0x34, pic.Acknowledge());
        pic.WritePort(0x20, NonSpecificEoi);
        Assert.False(pic.Output);
        pic.SetIrq(4, true);                         // no new edge
        Assert.False(pic.Output);
        pic.SetIrq(4, false);
        pic.SetIrq(4, true);
        Assert.Equal(0x34, pic.PendingVector);
    }

    [Fact]
    public void A_level_line_dropped_before_the_acknowledge_gives_the_spurious_irq7_vector()
    {
        var pic = LinuxPic();
        pic.WritePort(0x4D0, 0x08);
        pic.SetIrq(3, true);
        Assert.True(pic.Output);
        pic.SetIrq(3, false);
        Assert.Equal(-1, pic.PendingVector);
        Assert.Equal(0x37, pic.Acknowledge());
        Assert.Equal(0, pic.Master.InServiceRegister);
    }

    [Fact]
    public void A_slave_request_withdrawn_before_the_acknowledge_gives_irq15_with_the_cascade_in_service()
    {
        var pic = LinuxPic();
        pic.WritePort(0x4D1, 0x04);                  // IRQ 10 level-triggered
        pic.SetIrq(10, true);
        Assert.Equal(0x04, pic.Master.RequestRegister);
        pic.SetIrq(10, false);
        Assert.Equal(0x3F, pic.PendingVector);
        Assert.Equal(0x3F, pic.Acknowledge());
        Assert.Equal(0x04, pic.Master.InServiceRegister);
        Assert.Equal(0, pic.Slave.InServiceRegister);
    }

    [Fact]
    public void A_master_interrupt_in_service_above_the_cascade_holds_slave_requests_back()
    {
        var pic = LinuxPic();
        Pulse(pic, 1);
        Assert.Equal(0x31, pic.Acknowledge());
        Pulse(pic, 9);
        Assert.False(pic.Output);
        pic.WritePort(0x20, NonSpecificEoi);
        Assert.Equal(0x39, pic.Acknowledge());
    }

    [Fact]
    public void A_second_slave_request_waits_for_the_slave_eoi_then_arrives_through_the_cascade()
    {
        var pic = LinuxPic();
        Pulse(pic, 8);
        Pulse(pic, 11);
        Assert.Equal(0x38, pic.Acknowledge());
        Assert.False(pic.Output);
        pic.WritePort(0xA0, NonSpecificEoi);
        pic.WritePort(0x20, NonSpecificEoi);
        Assert.Equal(0x3B, pic.Acknowledge());
    }

    [Fact]
    public void Auto_eoi_leaves_nothing_in_service()
    {
        var pic = new Pic8259Pair();
        pic.WritePort(0x20, 0x11);
        pic.WritePort(0x21, 0x40);
        pic.WritePort(0x21, 0x04);
        pic.WritePort(0x21, 0x03);                   // 8086 mode, AEOI
        Assert.True(pic.Master.AutoEoi);
        Pulse(pic, 6);
        Assert.Equal(0x46, pic.Acknowledge());
        Assert.Equal(0, pic.Master.InServiceRegister);
        Pulse(pic, 7);
        Assert.Equal(0x47, pic.Acknowledge());       // not blocked by 6
    }

    [Fact]
    public void Rotate_on_non_specific_eoi_makes_the_served_irq_the_lowest_priority()
    {
        var pic = LinuxPic();
        Pulse(pic, 1);
        Assert.Equal(0x31, pic.Acknowledge());
        pic.WritePort(0x20, 0xA0);                   // rotate on non-specific EOI
        Pulse(pic, 1);
        Pulse(pic, 4);
        Assert.Equal(0x34, pic.Acknowledge());       // 2 is now the highest priority, 1 the lowest
        pic.WritePort(0x20, 0x60 | 4);
        Assert.Equal(0x31, pic.Acknowledge());
    }

    [Fact]
    public void Set_priority_and_rotate_in_auto_eoi_mode()
    {
        var pic = LinuxPic();
        pic.WritePort(0x20, 0xC0 | 4);               // IR4 lowest: IR5 highest
        Pulse(pic, 3);
        Pulse(pic, 6);
        Assert.Equal(0x36, pic.Acknowledge());
        pic.WritePort(0x20, 0x66);
        Assert.Equal(0x33, pic.Acknowledge());
        pic.WritePort(0x20, 0x63);

        var aeoi = new Pic8259Pair();
        foreach (byte b in new byte[] { 0x11, 0x20, 0x04, 0x03 })
            aeoi.WritePort(b == 0x11 ? (ushort)0x20 : (ushort)0x21, b);
        aeoi.WritePort(0x20, 0x80);                  // rotate in AEOI mode: set
        Pulse(aeoi, 0);
        Assert.Equal(0x20, aeoi.Acknowledge());
        Pulse(aeoi, 0);
        Pulse(aeoi, 5);
        Assert.Equal(0x25, aeoi.Acknowledge());      // 0 was rotated to the lowest priority
    }

    [Fact]
    public void Ocw3_selects_irr_or_isr_for_command_port_reads()
    {
        var pic = LinuxPic();
        Pulse(pic, 2 + 1);
        Pulse(pic, 6);
        pic.Acknowledge();
        pic.WritePort(0x20, 0x0A);
        Assert.Equal(0x40, pic.ReadPort(0x20));      // IRR: 6 still requests
        pic.WritePort(0x20, 0x0B);
        Assert.Equal(0x08, pic.ReadPort(0x20));      // ISR: 3
        Assert.Equal(0x08, pic.ReadPort(0x20));      // the choice sticks
    }

    [Fact]
    public void Poll_mode_reads_the_highest_request_and_acknowledges_it()
    {
        var pic = LinuxPic();
        pic.WritePort(0x21, 0xFF);                   // polled systems mask the INT output
        pic.WritePort(0x20, 0x0C);
        Assert.Equal(0x00, pic.ReadPort(0x20));      // nothing requests; poll masks ignore nothing but IMR
        pic.WritePort(0x21, 0x00);
        Pulse(pic, 5);
        pic.WritePort(0x20, 0x0C);
        Assert.Equal(0x85, pic.ReadPort(0x20));
        Assert.Equal(0x20, pic.Master.InServiceRegister);
        Assert.Equal(0x00, pic.ReadPort(0x21));      // back to IMR reads
    }

    [Fact]
    public void Special_mask_mode_lets_lower_priorities_through_a_masked_in_service_level()
    {
        var pic = LinuxPic();
        Pulse(pic, 1);
        Assert.Equal(0x31, pic.Acknowledge());
        Pulse(pic, 4);
        Assert.False(pic.Output);
        pic.WritePort(0x21, 0x02);                   // mask the level in service
        pic.WritePort(0x20, 0x68);                   // OCW3: set special mask mode
        Assert.Equal(0x34, pic.Acknowledge());
        pic.WritePort(0x20, 0x48);                   // reset special mask mode
        Pulse(pic, 6);
        Assert.False(pic.Output);                    // 1 and 4 in service again block 6
    }

    [Fact]
    public void Elcr_keeps_irq_0_1_2_8_and_13_edge_triggered()
    {
        var pic = new Pic8259Pair();
        pic.WritePort(0x4D0, 0xFF);
        pic.WritePort(0x4D1, 0xFF);
        Assert.Equal(0xF8, pic.ReadPort(0x4D0));
        Assert.Equal(0xDE, pic.ReadPort(0x4D1));
    }

    [Fact]
    public void Icw1_clears_the_mask_and_the_edge_sense_so_a_line_already_high_must_rise_again()
    {
        var pic = LinuxPic();
        pic.WritePort(0x21, 0xFF);
        pic.SetIrq(4, true);
        pic.WritePort(0x20, 0x11);
        pic.WritePort(0x21, 0x30);
        pic.WritePort(0x21, 0x04);
        Assert.True(pic.Master.IsInitializing);
        pic.WritePort(0x21, 0x01);
        Assert.False(pic.Master.IsInitializing);
        Assert.Equal(0x00, pic.ReadPort(0x21));
        Assert.False(pic.Output);
        pic.SetIrq(4, false);
        pic.SetIrq(4, true);
        Assert.Equal(0x34, pic.Acknowledge());
    }

    [Fact]
    public void Icw1_without_icw4_and_single_mode_skip_the_words_they_do_not_need()
    {
        var pic = new Pic8259Pair();
        pic.WritePort(0x20, 0x12);                   // single, no ICW4
        pic.WritePort(0x21, 0x50);
        Assert.True(pic.Master.IsInitialized);
        pic.WritePort(0x21, 0xFE);                   // now OCW1
        Assert.Equal(0xFE, pic.ReadPort(0x21));
        Assert.Equal(0x50, pic.Master.VectorBase);
    }

    [Fact]
    public void Icw1_level_triggered_mode_makes_every_input_level_triggered()
    {
        var pic = new Pic8259Pair();
        foreach (byte b in new byte[] { 0x19, 0x20, 0x04, 0x01 })
            pic.WritePort(b == 0x19 ? (ushort)0x20 : (ushort)0x21, b);
        pic.SetIrq(1, true);
        Assert.Equal(0x21, pic.Acknowledge());
        pic.WritePort(0x20, NonSpecificEoi);
        Assert.Equal(0x21, pic.PendingVector);
    }

    [Fact]
    public void Ports_outside_the_pair_are_not_claimed()
    {
        Assert.True(Pic8259Pair.ClaimsPort(0x20));
        Assert.True(Pic8259Pair.ClaimsPort(0xA1));
        Assert.True(Pic8259Pair.ClaimsPort(0x4D1));
        Assert.False(Pic8259Pair.ClaimsPort(0x22));
        Assert.False(Pic8259Pair.ClaimsPort(0x4D2));
        Assert.False(Pic8259Pair.ClaimsPort(0x9F));
    }

    private static void Pulse(Pic8259Pair pic, int irq)
    {
        pic.SetIrq(irq, true);
        pic.SetIrq(irq, false);
    }
}
