// The migration parameters an aDom's memory state is saved with. qemu throttles a migration to
// 128 MiB/s unless told otherwise, so that a live migration leaves the running guest and the
// network room; an aDom saved to a file is paused and has neither to spare, and the throttle
// alone made its save 3 s for 400 MiB. libvirt lifts it the same way for a save to a file.
public enum QEMUSaveParameters {
    /// 1 TiB/s: a limit no pipe or disk reaches, in bytes per second as QMP takes it.
    public static let maxBandwidth: UInt64 = 1 << 40
    /// The arguments of QMP's migrate-set-parameters that lift the throttle.
    public static let unthrottled = "{\"max-bandwidth\":\(maxBandwidth)}"
}
