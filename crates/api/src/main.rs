//! `api`: runs the Switchboard server. `api openapi` prints the OpenAPI document instead.

use switchboard_api::{config::Config, http, startup::Application, telemetry};

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    if std::env::args().nth(1).as_deref() == Some("openapi") {
        print!("{}", http::openapi_json());
        return Ok(());
    }
    telemetry::init();
    let app = Application::build(Config::from_env()?).await?;
    announce(&app);
    app.run_until_stopped().await?;
    Ok(())
}

/// Prints where to open the dashboard and how to sign in. Tests read the first line.
fn announce(app: &Application) {
    println!("Switchboard listening on http://127.0.0.1:{}", app.port());
    match &app.demo_login {
        Some(login) => println!(
            "\n  Demo workspace created. Sign in at http://127.0.0.1:{} with\n    email:    {}\n    password: {}\n  (also saved in {})\n",
            app.port(),
            login.email,
            login.password,
            app.demo_login_file.display()
        ),
        None if app.demo_login_file.exists() => println!(
            "  Demo sign-in: see {}",
            app.demo_login_file.display()
        ),
        None => {}
    }
    if let Some(bind) = &app.state().config.demo_site_bind {
        println!("  Demo shop with the chat widget: http://{bind}/ (chat there as a visitor)\n");
    }
}
