fn main() {
    kinesis_lab_app::mount();
}
